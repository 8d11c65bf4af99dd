"""AnchorRefinementModule (ARM): RefineDet's first, class-agnostic step.

What it does
------------
On each of the four source maps (strides 8/16/32/64), at every cell, for each
of the ``A`` anchors tiled there, two 3x3 convolutions predict

* 2 scores -- object vs. background -- and
* 4 offsets ``(dx, dy, dw, dh)`` that move and resize the anchor,

so a level of size ``H x W`` yields ``(B, A*2, H, W)`` scores and
``(B, A*4, H, W)`` offsets. The channel order is anchor-major (anchor ``a``
owns channels ``[a*K, (a+1)*K)``), the layout mmdet's anchor generator and
every mmdet dense head use. The two scores are ordered ``(object,
background)``: mmdet puts foreground classes first and background last, so
the ARM is literally a one-class detector and shares its loss code with the
ODM.

Why a first step at all
-----------------------
A one-stage detector like SSD classifies ~10^4 hand-placed anchors of which
a few dozen touch an object. Two-stage detectors fare better because their
first stage (the RPN) does two things before classification: it throws away
most background boxes, and it moves the survivors closer to the objects. The
ARM is that first stage, kept inside one forward pass:

1. *Negative anchor filtering.* Anchors the ARM is sure are background
   (background probability above 0.99) are removed from the ODM's training
   and inference. The ODM's classifier then faces a much less skewed
   problem, in the spirit of the RPN's filtering.
2. *Coarse refinement.* The decoded ARM offsets turn each anchor into a
   *refined anchor*; the ODM regresses relative to those, so its regression
   starts from a better initialisation -- cascaded regression in two steps.

Unlike an RPN, no features are cropped: the ODM sees the refined anchors only
through its targets (the loss assigns and encodes ground truth against them)
and at decoding time.

The objectness and offset targets -- raw anchors, best anchor per object plus
any anchor with IoU >= 0.5, hard negative mining -- live in
:class:`~custom_modules.models.losses.MultiBoxLoss`; how ARM outputs become
refined anchors lives in
:class:`~custom_modules.models.dense_heads.RefineDetHead`.
"""
import torch.nn as nn
from mmengine.model import BaseModule
from mmdet.registry import MODELS


@MODELS.register_module()
class AnchorRefinementModule(BaseModule):
    """Objectness and coarse offsets for every anchor of every source level.

    Args:
        in_channels (Sequence[int]): Channels of the source maps, finest
            first: ``(512, 512, 1024, 512)`` for RefineDetVGG.
        num_anchors (int): Anchors per cell (3 in RefineDet: ratios 0.5, 1,
            2). Usually filled in by the head from its anchor generator.
        init_cfg (dict | list[dict]): Xavier (uniform), as the paper does for
            its new layers.
    """

    # Two scores per anchor: (object, background).
    num_scores = 2

    def __init__(self,
                 in_channels=(512, 512, 1024, 512),
                 num_anchors=3,
                 init_cfg=dict(
                     type='Xavier', distribution='uniform', layer='Conv2d')):
        super().__init__(init_cfg=init_cfg)
        self.in_channels = tuple(in_channels)
        self.num_anchors = num_anchors
        self.objectness_convs = nn.ModuleList(
            nn.Conv2d(channels, num_anchors * self.num_scores, 3, padding=1)
            for channels in self.in_channels)
        self.offset_convs = nn.ModuleList(
            nn.Conv2d(channels, num_anchors * 4, 3, padding=1)
            for channels in self.in_channels)

    def forward(self, sources):
        """Return ``(objectness, offsets)``: two lists with one map per
        level, shaped ``(B, A*2, H, W)`` and ``(B, A*4, H, W)``."""
        assert len(sources) == len(self.in_channels)
        objectness = [conv(x) for conv, x in zip(self.objectness_convs,
                                                 sources)]
        offsets = [conv(x) for conv, x in zip(self.offset_convs, sources)]
        return objectness, offsets
