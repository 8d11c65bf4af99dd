"""NormSSDVGG: mmdet's SSD VGG16 with a normalisation layer after every conv.

Why a VGG with batch norm
-------------------------
SSD and RefineDet were designed around an ImageNet-pretrained VGG16, which has
no normalisation layers: pre-training had already put every layer's
activations at a workable scale. Trained from a random init, the same
fifteen-conv plain stack starts with activations whose scale drifts from layer
to layer, and the optimiser spends its first few hundred steps repairing that
instead of learning to detect (measured here: SSD300 and RefineDet320 both sit
below 0.2 AP for their first 200 iterations, docs/benchmark_notes.md).
ScratchDet (Zhu et al., ICCV 2019) and DSOD (Shen et al., ICCV 2017) showed
that batch normalisation is what lets SSD-type detectors train from scratch:
it fixes the scale of every layer's output, so the loss surface is smoother
and a larger learning rate is stable. The detectors' designs are untouched --
same layers, same receptive fields, same default boxes -- only the trunk's
conditioning changes.

How it is added
---------------
Each ``Conv2d -> ReLU`` pair of the VGG trunk (conv1_1 .. conv5_3, fc6, fc7)
becomes ``Conv2d -> Norm -> ReLU``: the norm layer is put *inside the ReLU's
slot* as ``features.<i>.norm`` followed by ``features.<i>.act``. The indices
of ``features`` therefore stay those of mmdet's SSDVGG, so

* ``out_feature_indices`` (22 for conv4_3, 34 for fc7) mean the same layers,
  and each tap is taken after the ReLU, as before;
* the convolution weights keep their names (``features.0.weight`` ...), so an
  ImageNet VGG16 checkpoint still fills every convolution and only the new
  norm layers start from their own init (weight 1, bias 0).

mmcv's VGG puts every BatchNorm in eval mode during training (its
``bn_eval=True`` default, meant for a frozen pre-trained VGG-BN); here the
norms are the point of training from scratch, so they train.

A narrower VGG for studies
--------------------------
``widen_factor`` scales the channels of every convolution (conv1_1 keeps its
3 inputs). A convolution's cost is in_channels x out_channels, so a factor
of 1/4 divides the trunk's multiply-adds by about 16 while keeping every
layer, stride, dilation and receptive field, and so every default box: the
detector is the same design at a fraction of its width. Comparisons of two
detectors (SSD300 against RefineDet320) made at the same factor then
measure the designs, not the width; the configs that use it say so in their
names (``configs/ablations/*_vgg16w4.py``). 1 is mmdet's VGG16.
"""
from collections import OrderedDict

import torch.nn as nn
from mmcv.cnn import build_norm_layer
from mmdet.models.backbones import SSDVGG
from mmdet.registry import MODELS


def conv_norm_act_slots(features):
    """Indices of the ReLUs in ``features`` that directly follow a conv, with
    that conv's output channels."""
    return [(index, features[index - 1].out_channels)
            for index in range(1, len(features))
            if isinstance(features[index], nn.ReLU)
            and isinstance(features[index - 1], nn.Conv2d)]


@MODELS.register_module()
class NormSSDVGG(SSDVGG):
    """SSDVGG whose convolutions are each followed by a norm layer.

    Args:
        norm_cfg (dict, optional): The norm layer after every trunk
            convolution, e.g. ``dict(type='BN')``. None builds mmdet's plain
            SSDVGG, so the paper configs stay exactly the paper's.
        widen_factor (float): Multiplies the channels of every convolution
            (see "A narrower VGG for studies"). 1 is mmdet's SSDVGG.
        **kwargs: SSDVGG's arguments (depth, with_last_pool, ceil_mode,
            out_indices, out_feature_indices, init_cfg).
    """

    def __init__(self, *args, norm_cfg=None, widen_factor=1.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.norm_cfg = norm_cfg
        self.widen_factor = widen_factor
        if widen_factor != 1.0:
            self.narrow_convolutions()
        # Train the norms (see the module docstring).
        self.bn_eval = False
        self.bn_frozen = False
        if norm_cfg is None:
            return
        for index, channels in conv_norm_act_slots(self.features):
            self.features[index] = self.norm_act(channels)

    def width(self, channels):
        """``channels`` of the full-width VGG16 at this ``widen_factor``."""
        return max(1, int(round(channels * self.widen_factor)))

    def narrow_convolutions(self):
        """Rebuild every convolution of ``features`` at ``widen_factor``,
        same kernel, stride, padding and dilation (the image's 3 channels
        stay 3)."""
        if not 0 < self.widen_factor <= 1:
            raise ValueError('widen_factor must be in (0, 1], got '
                             f'{self.widen_factor}')
        for index, conv in enumerate(self.features):
            if not isinstance(conv, nn.Conv2d):
                continue
            in_channels = (conv.in_channels if conv.in_channels == 3 else
                           self.width(conv.in_channels))
            self.features[index] = nn.Conv2d(
                in_channels, self.width(conv.out_channels), conv.kernel_size,
                stride=conv.stride, padding=conv.padding,
                dilation=conv.dilation)

    def norm_act(self, channels):
        """What follows a convolution with ``channels`` outputs: a ReLU, with
        the configured norm layer before it. Subclasses that add layers build
        them with this so the whole network has one layout."""
        if self.norm_cfg is None:
            return nn.ReLU(inplace=True)
        return nn.Sequential(
            OrderedDict(
                norm=build_norm_layer(self.norm_cfg, channels)[1],
                act=nn.ReLU(inplace=True)))
