"""RefineDetResNet: the paper's "RefineDet512 ResNet-101" trunk.

What goes in, what comes out
----------------------------
An image batch ``(B, 3, H, W)`` goes in; four source maps come out at strides
8, 16, 32 and 64, the same grid that RefineDetVGG gives the anchor refinement
module (ARM)::

    name    stride  channels  at 320x320  at 512x512
    res3       8       512       40x40       64x64     (res3b3 in Caffe names)
    res4      16      1024       20x20       32x32     (res4b22)
    res5      32      2048       10x10       16x16     (res5c)
    res6      64       512        5x5         8x8      (the extra block)

How it is built from ResNet
---------------------------
The paper truncates ResNet-101 after its last stage (no pooling, no classifier)
and adds *one extra residual block* on top of res5c, because ResNet stops at
stride 32 and RefineDet wants a fourth, coarser level for the largest anchors
(256 px). Where VGG16 got two plain convolutions (conv6_1/conv6_2) for that,
ResNet gets a block of its own kind: a bottleneck (1x1 reduce, 3x3 stride 2,
1x1 expand) with a projection shortcut. A residual block keeps the identity
path that makes the rest of the network easy to optimise, so the new level
starts as a (strided, projected) copy of res5c rather than as random features.
Its widths -- 128 inside, 512 out -- are this project's choice, matching the
512 channels of VGG's conv6_2 so the ARM and TCB of the two variants differ
only in their inputs from stages 2-4.

What is not there, and why
--------------------------
No L2Norm. VGG needed it on conv4_3/conv5_3 because its early activations are
orders of magnitude larger than fc7's; every ResNet stage ends in a batch-norm
and a residual sum, so the four maps already have comparable scales.

Batch norm
----------
As in mmdet's ImageNet-initialised ResNet recipes, the trunk's BN statistics
are frozen (``norm_eval=True``) because detection batches are too small to
estimate them. The extra block is not part of the ImageNet checkpoint: its BN
statistics start at 0/1, so it keeps learning them (``train()`` below) while
the pretrained stages stay frozen.
"""
from mmdet.models.backbones import ResNet
from mmdet.models.backbones.resnet import Bottleneck
from mmdet.models.layers import ResLayer
from mmdet.registry import MODELS


@MODELS.register_module()
class RefineDetResNet(ResNet):
    """ResNet truncated after res5, plus one stride-2 bottleneck block.

    Args:
        depth (int): 101 in the paper; 50 and 152 work the same way.
        extra_planes (int): Width inside the extra bottleneck; its output has
            ``4 * extra_planes`` channels (Bottleneck's expansion).
        **kwargs: Passed to mmdet's ResNet (``frozen_stages``,
            ``norm_cfg``, ``norm_eval``, ``style``, ``init_cfg`` ...).
            ``out_indices`` is fixed to stages 2-4 (strides 8/16/32): the
            anchors are laid out for those strides.
    """

    def __init__(self, depth=101, extra_planes=128, **kwargs):
        if 'out_indices' in kwargs and tuple(kwargs['out_indices']) != (1, 2,
                                                                         3):
            raise ValueError(
                'RefineDetResNet feeds strides 8/16/32 (+64 from its extra '
                f'block): out_indices must be (1, 2, 3), got '
                f'{kwargs["out_indices"]}')
        kwargs['out_indices'] = (1, 2, 3)
        super().__init__(depth=depth, **kwargs)
        if self.block is not Bottleneck:
            raise ValueError(
                f'RefineDetResNet needs a bottleneck ResNet (depth 50, 101 '
                f'or 152), got depth={depth}')
        res5_channels = self.feat_dim  # 2048 for a bottleneck ResNet
        self.extra = ResLayer(
            Bottleneck,
            inplanes=res5_channels,
            planes=extra_planes,
            num_blocks=1,
            stride=2,
            style=self.style,
            conv_cfg=self.conv_cfg,
            norm_cfg=self.norm_cfg)
        # The extra block's own init, which mmengine runs before loading an
        # ImageNet checkpoint (a 'Pretrained' init_cfg of the trunk); the
        # checkpoint has no 'extra.*' keys, so this init survives it.
        self.extra.init_cfg = [
            dict(type='Kaiming', layer='Conv2d'),
            dict(type='Constant', val=1, layer='_BatchNorm'),
        ]
        self.out_channels = (
            res5_channels // 4, res5_channels // 2, res5_channels,
            extra_planes * Bottleneck.expansion)

    def forward(self, x):
        """Return (res3, res4, res5, res6), finest first."""
        res3, res4, res5 = super().forward(x)
        return res3, res4, res5, self.extra(res5)

    def train(self, mode=True):
        """ResNet's train(): frozen stem/stages and, with ``norm_eval``, every
        BN in eval mode -- except the extra block's, whose statistics are not
        pretrained and must be learned."""
        super().train(mode)
        if mode:
            self.extra.train()
        return self
