"""ObjectDetectionModule (ODM): RefineDet's second, class-aware step.

What it does
------------
On each of the four transferred maps produced by the TCBs (256 channels,
strides 8/16/32/64), at every cell and for each of the ``A`` anchors there,
two 3x3 convolutions predict

* ``num_classes + 1`` scores -- the classes, then background last (mmdet's
  convention) -- turned into probabilities by a softmax, and
* 4 offsets ``(dx, dy, dw, dh)``,

giving ``(B, A*(C+1), H, W)`` and ``(B, A*4, H, W)`` per level, anchor-major
like the ARM's output so that output ``n`` of the ARM and of the ODM refer to
the same anchor.

What is different from an SSD head
----------------------------------
The convolutions are the same kind as SSD's; the meaning of their outputs is
not:

* The offsets are relative to the *refined* anchor -- the anchor after the
  ARM moved it -- not to the anchor tiled on the grid. A box is therefore
  decoded twice, ``anchor -> ARM offsets -> refined anchor -> ODM offsets ->
  box``; the ODM only learns the residual the ARM left, which is the
  two-step cascaded regression of the paper.
* The scores are only trained and used on anchors the ARM did not reject as
  obvious background, so the classifier spends its capacity on plausible
  boxes.
* The input is not the backbone's feature but the TCB output, which mixes in
  semantics from coarser levels.

The targets (matching and encoding against refined anchors, hard negative
mining) live in :class:`~custom_modules.models.losses.MultiBoxLoss`; the
cascade itself in :class:`~custom_modules.models.dense_heads.RefineDetHead`.
"""
import torch.nn as nn
from mmengine.model import BaseModule
from mmdet.registry import MODELS


@MODELS.register_module()
class ObjectDetectionModule(BaseModule):
    """Class scores and fine offsets for every refined anchor.

    Args:
        num_classes (int): Number of object classes, without background.
            Usually filled in by the head.
        in_channels (Sequence[int]): Channels of the transferred maps, finest
            first (``(256, 256, 256, 256)`` with the paper's TCBs).
        num_anchors (int): Anchors per cell; filled in by the head.
        init_cfg (dict | list[dict]): Xavier (uniform), as the paper does for
            its new layers.
    """

    def __init__(self,
                 num_classes=80,
                 in_channels=(256, 256, 256, 256),
                 num_anchors=3,
                 init_cfg=dict(
                     type='Xavier', distribution='uniform', layer='Conv2d')):
        super().__init__(init_cfg=init_cfg)
        self.num_classes = num_classes
        self.in_channels = tuple(in_channels)
        self.num_anchors = num_anchors
        # + 1: the background score, last.
        self.num_scores = num_classes + 1
        self.class_convs = nn.ModuleList(
            nn.Conv2d(channels, num_anchors * self.num_scores, 3, padding=1)
            for channels in self.in_channels)
        self.offset_convs = nn.ModuleList(
            nn.Conv2d(channels, num_anchors * 4, 3, padding=1)
            for channels in self.in_channels)

    def forward(self, transferred):
        """Return ``(class_scores, offsets)``: two lists with one map per
        level, shaped ``(B, A*(C+1), H, W)`` and ``(B, A*4, H, W)``."""
        assert len(transferred) == len(self.in_channels)
        class_scores = [conv(x) for conv, x in zip(self.class_convs,
                                                   transferred)]
        offsets = [conv(x) for conv, x in zip(self.offset_convs,
                                              transferred)]
        return class_scores, offsets
