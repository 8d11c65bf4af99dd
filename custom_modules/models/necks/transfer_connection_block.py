"""TransferConnectionBlock (TCB): how RefineDet hands features from ARM to ODM.

The problem it solves
---------------------
RefineDet predicts twice from the same four levels. The anchor refinement
module (ARM) reads the backbone's source maps directly and only has to tell
"object or not" and nudge anchors. The object detection module (ODM) must
then name the class and place the box precisely, which needs more than the
local, class-agnostic evidence ARM was trained on -- in particular the small
objects found on the fine levels benefit from the semantics of the coarse
ones. The TCB is the bridge: one block per level converts the ARM's source
map into an ODM feature map and mixes in context from the coarser level.

One block, per level ``i`` (all convolutions 3x3, 256 channels)::

    source_i --conv--ReLU--conv-----(+)--ReLU--conv--ReLU--> transferred_i
                                     ^
    transferred_{i+1} --deconv 2x----'      (absent on the coarsest level)

* The first two convolutions adapt the source map -- 512 or 1024 channels,
  L2-normalised or not -- to a common 256-channel space.
* The coarser level's *output* (not its input) is up-sampled by a learned
  2x2 stride-2 transposed convolution and added element-wise, so the blocks
  run top-down from the coarsest level: the stride-8 output has seen every
  coarser level. A learned up-sampling, rather than nearest-neighbour, lets
  the block choose which coarse features to spread and how.
* The convolution after the sum smooths the aliasing of the up-sampling and
  lets the block re-weight the merged features; the final ReLU keeps the
  transferred maps non-negative like any other ConvNet feature.

This is the top-down pathway of FPN with one more convolution on each side of
the sum. The difference in purpose: here the pyramid is built from features
that already carry an objectness objective (the ARM loss back-propagates into
the same source maps).

Output sizes
------------
Every source map is ``ceil(previous / 2)`` of the one below it, so twice the
coarser map is the finer size or one pixel more. The up-sampled map is cropped
to the finer map's size before the sum; for the 320/512 inputs of the paper
(multiples of 64) the crop does nothing, and for other sizes -- multi-scale
testing, for instance -- it keeps the network usable.
"""
import torch.nn as nn
from mmcv.cnn import build_norm_layer
from mmengine.model import BaseModule
from mmdet.registry import MODELS


def _conv3x3(in_channels, out_channels):
    return nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1)


def _norm(norm_cfg, channels, relu=False):
    """What follows a convolution: its norm layer (none in the paper's TCB),
    then optionally a ReLU. One module, so that the convolutions keep the
    same indices -- and parameter names -- with and without a norm."""
    layers = []
    if norm_cfg is not None:
        layers.append(build_norm_layer(norm_cfg, channels)[1])
    if relu:
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


class _TCBLevel(nn.Module):
    """The TCB of one level; see the module docstring for the diagram."""

    def __init__(self, in_channels, out_channels, receives_top_down,
                 norm_cfg=None):
        super().__init__()
        self.lateral = nn.Sequential(
            _conv3x3(in_channels, out_channels),
            _norm(norm_cfg, out_channels, relu=True),
            _conv3x3(out_channels, out_channels),
            _norm(norm_cfg, out_channels))
        self.upsample = nn.ConvTranspose2d(
            out_channels, out_channels, kernel_size=2,
            stride=2) if receives_top_down else None
        # Normalised like the lateral branch, so that neither summand
        # dominates the sum by scale alone.
        self.upsample_norm = _norm(
            norm_cfg, out_channels) if receives_top_down else None
        self.fuse = nn.Sequential(
            nn.ReLU(inplace=True),
            _conv3x3(out_channels, out_channels),
            _norm(norm_cfg, out_channels, relu=True))

    def forward(self, source, coarser=None):
        merged = self.lateral(source)
        if self.upsample is not None:
            height, width = merged.shape[-2:]
            up = self.upsample_norm(self.upsample(coarser))
            merged = merged + up[..., :height, :width]
        return self.fuse(merged)


@MODELS.register_module()
class TransferConnectionBlock(BaseModule):
    """One TCB per level, run top-down from the coarsest level.

    Args:
        in_channels (Sequence[int]): Channels of the source maps, finest
            first, e.g. ``(512, 512, 1024, 512)`` for RefineDetVGG.
        out_channels (int): Channels of every transferred map (256 in the
            paper).
        norm_cfg (dict, optional): A norm layer after every convolution and
            the transposed convolution, e.g. ``dict(type='BN')`` for training
            from scratch (as NormSSDVGG does for the trunk). None is the
            paper's TCB.
        init_cfg (dict | list[dict]): Xavier (uniform) for every convolution
            and transposed convolution, as the paper does for all layers it
            adds to VGG16.
    """

    def __init__(self,
                 in_channels=(512, 512, 1024, 512),
                 out_channels=256,
                 norm_cfg=None,
                 init_cfg=dict(
                     type='Xavier',
                     distribution='uniform',
                     layer=['Conv2d', 'ConvTranspose2d'])):
        super().__init__(init_cfg=init_cfg)
        self.in_channels = tuple(in_channels)
        self.out_channels = out_channels
        coarsest = len(self.in_channels) - 1
        self.blocks = nn.ModuleList(
            _TCBLevel(channels, out_channels,
                      receives_top_down=level != coarsest,
                      norm_cfg=norm_cfg)
            for level, channels in enumerate(self.in_channels))

    def forward(self, sources):
        """Map the source maps (finest first) to transferred maps of the same
        sizes, ``out_channels`` channels each (finest first)."""
        assert len(sources) == len(self.blocks)
        transferred = [None] * len(sources)
        coarser = None
        for level in reversed(range(len(sources))):
            coarser = self.blocks[level](sources[level], coarser)
            transferred[level] = coarser
        return tuple(transferred)
