"""RefineDetVGG: the VGG16 trunk that feeds RefineDet's four detection levels.

What goes in, what comes out
----------------------------
An image batch ``(B, 3, H, W)`` goes in. Four feature maps come out, at
strides 8, 16, 32 and 64 -- the *source maps* on which RefineDet's anchor
refinement module (ARM) places its anchors::

    name     stride  channels  at 320x320  at 512x512
    conv4_3     8       512       40x40       64x64    (L2Norm, scale 10)
    conv5_3    16       512       20x20       32x32    (L2Norm, scale 8)
    fc7        32      1024       10x10       16x16
    conv6_2    64       512        5x5         8x8

How it is built from VGG16
--------------------------
1. The thirteen 3x3 convolutions and four 2x2 max-pools of VGG16 are kept.
2. VGG's fully connected ``fc6`` and ``fc7`` become convolutions, as in SSD:
   ``fc6`` is a 3x3 convolution with 1024 outputs and ``fc7`` a 1x1. The
   ImageNet ``fc6`` was a 7x7 layer over a 7x7 grid; sub-sampling its weights
   to 3x3 shrinks its reach, and a dilation of 3 gives the 3x3 kernel back
   the 7x7 receptive field it was trained with (the "atrous" trick).
3. Unlike SSD, ``pool5`` stays a plain 2x2 stride-2 pool, so ``fc7`` lives at
   stride 32 -- one octave below ``conv5_3``. SSD instead keeps ``fc7`` at
   stride 16 with a 3x3 stride-1 pool5 and dilation 6; RefineDet wants one
   source map per octave because its TCBs merge neighbouring levels by a
   2x up-sampling.
4. One extra block, ``conv6_1`` (1x1, 256) and ``conv6_2`` (3x3 stride 2,
   512), adds the coarsest level at stride 64.
5. ``conv4_3`` and ``conv5_3`` are L2-normalised per position and re-scaled
   by a learned per-channel factor initialised to 10 and 8. Early VGG layers
   have activations one to two orders of magnitude larger than ``fc7``; with
   the same prediction convolutions and learning rate on every level, the
   large-norm levels would dominate the gradients (the observation of
   ParseNet, adopted by SSD). Normalising and then letting the network learn
   the scale removes that imbalance without fixing it by hand.

Why subclass mmdet's SSDVGG
---------------------------
SSDVGG already builds steps 1-2 and names its layers ``features.0`` ..
``features.34``. Keeping those names means the ImageNet checkpoint that
mmdet's SSD recipes load (``vgg16_caffe-292e1171.pth``, with fc6/fc7 already
reduced to 1024-channel convolutions) initialises this backbone unchanged.
Only two modules are swapped in place: pool5 (index 30) and the dilation of
fc6 (index 31), whose weight shape is the same for any dilation.

Training from scratch
---------------------
``norm_cfg`` puts a norm layer after every convolution, conv1_1 to conv6_2,
exactly as NormSSDVGG does for SSD (see norm_ssd_vgg.py for why and how), so
the embedded configs give SSD and RefineDet the same trunk conditioning.
"""
import torch.nn as nn
from mmdet.models.necks.ssd_neck import L2Norm
from mmdet.registry import MODELS
from mmengine.model import Sequential

from .norm_ssd_vgg import NormSSDVGG

# Positions of the modules inside SSDVGG(depth=16, with_last_pool=False).
# These indices are the checkpoint's parameter names, which is why they are
# spelled out rather than searched for.
_CONV4_3_RELU = 22
_CONV5_3_RELU = 29
_POOL5 = 30
_FC6 = 31
_FC7_RELU = 34


@MODELS.register_module()
class RefineDetVGG(NormSSDVGG):
    """VGG16 with atrous fc6/fc7, an extra stride-64 block and two L2Norms.

    Args:
        depth (int): VGG depth. RefineDet uses 16; the layer indices above
            are those of VGG16, so other depths are refused.
        fc6_dilation (int): Dilation (and padding) of the 3x3 fc6 convolution.
            3 restores the 7x7 reach of ImageNet's fc6 after its weights are
            sub-sampled to 3x3 (see the module docstring).
        extra_channels (tuple[int, int]): Output channels of conv6_1 (1x1)
            and conv6_2 (3x3, stride 2).
        l2_norm_scales (tuple[float, float]): Initial per-channel scales of
            the L2Norm on conv4_3 and conv5_3.
        norm_cfg (dict, optional): Norm layer after every convolution,
            e.g. ``dict(type='BN')`` to train from scratch. None (the paper)
            keeps VGG16 without normalisation.
        widen_factor (float): Multiplies the channels of the VGG16 body,
            fc6 and fc7 (NormSSDVGG's "narrower VGG for studies");
            ``extra_channels`` are given as they are wanted.
        ceil_mode (bool): Round pooled sizes up. With it every level is
            ``ceil(previous / 2)``, which is what the TCB's 2x up-sampling
            relies on to cover the finer level after cropping.
        init_cfg (dict | list[dict], optional): How to initialise the VGG16
            body, e.g. ``dict(type='Pretrained', checkpoint=...)``. Defaults
            to SSDVGG's Kaiming init (training from scratch). The layers VGG16
            does not have -- conv6_1/conv6_2 and the L2Norm scales -- are
            always added to the init recipe (Xavier, constants) because an
            ImageNet checkpoint cannot initialise them.
    """

    def __init__(self,
                 depth=16,
                 fc6_dilation=3,
                 extra_channels=(256, 512),
                 l2_norm_scales=(10., 8.),
                 ceil_mode=True,
                 norm_cfg=None,
                 widen_factor=1.0,
                 init_cfg=None):
        if depth != 16:
            raise ValueError(
                f'RefineDetVGG is defined on VGG16, got depth={depth}')
        super().__init__(
            depth=16,
            with_last_pool=False,
            ceil_mode=ceil_mode,
            out_indices=(3, 4),
            out_feature_indices=(_CONV4_3_RELU, _CONV5_3_RELU, _FC7_RELU),
            norm_cfg=norm_cfg,
            widen_factor=widen_factor,
            init_cfg=init_cfg)
        conv5_3, fc7 = self.width(512), self.width(1024)

        # SSD's 3x3 stride-1 pool5 would leave fc7 at stride 16; RefineDet
        # wants it one octave lower.
        self.features[_POOL5] = nn.MaxPool2d(
            kernel_size=2, stride=2, ceil_mode=ceil_mode)
        self.features[_FC6] = nn.Conv2d(
            conv5_3, fc7, kernel_size=3, padding=fc6_dilation,
            dilation=fc6_dilation)

        conv6_1_channels, conv6_2_channels = extra_channels
        # Its own Xavier init on its convolutions only (the paper's init for
        # layers added to VGG16); a layer filter, unlike a name override,
        # leaves the norm layers to their constant init.
        self.extra = Sequential(
            nn.Conv2d(fc7, conv6_1_channels, kernel_size=1),
            self.norm_act(conv6_1_channels),
            nn.Conv2d(conv6_1_channels, conv6_2_channels, kernel_size=3,
                      stride=2, padding=1),
            self.norm_act(conv6_2_channels),
            init_cfg=dict(type='Xavier', distribution='uniform',
                          layer='Conv2d'))

        conv4_3_scale, conv5_3_scale = l2_norm_scales
        self.conv4_3_norm = L2Norm(conv5_3, conv4_3_scale)
        self.conv5_3_norm = L2Norm(conv5_3, conv5_3_scale)
        self.out_channels = (conv5_3, conv5_3, fc7, conv6_2_channels)

        # mmengine applies a 'Pretrained' entry after all others, so these
        # initialise the new layers without being overwritten by -- or
        # overwriting -- the VGG16 weights of a checkpoint.
        body_init = self.init_cfg
        if isinstance(body_init, dict):
            body_init = [body_init]
        self.init_cfg = list(body_init) + [
            dict(type='Constant', val=conv4_3_scale,
                 override=dict(name='conv4_3_norm')),
            dict(type='Constant', val=conv5_3_scale,
                 override=dict(name='conv5_3_norm')),
        ]

    def forward(self, x):
        """Return the four source maps (conv4_3, conv5_3, fc7, conv6_2)."""
        taps = []
        for index, layer in enumerate(self.features):
            x = layer(x)
            if index in self.out_feature_indices:
                taps.append(x)
        conv4_3, conv5_3, fc7 = taps
        conv6_2 = self.extra(fc7)
        # The normalised maps go to the heads only; VGG itself carried on
        # with the raw activations, which is what its next layer expects.
        return (self.conv4_3_norm(conv4_3), self.conv5_3_norm(conv5_3), fc7,
                conv6_2)
