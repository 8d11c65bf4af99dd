"""RefineDet (Zhang et al., CVPR 2018): a one-stage detector in two steps.

The whole model, and the file that holds each part::

    image --backbone--> 4 source maps  ---------------------> ARM: objectness
          (RefineDetVGG)   strides 8..64     |                + coarse offsets
                                             |                      |
                                            TCB               refined anchors,
                               (TransferConnectionBlock)      filtered anchors
                                             |                      |
                                             v                      v
                                   4 transferred maps --------> ODM: classes
                                                                + fine offsets

    ARM  custom_modules/models/dense_heads/anchor_refinement_module.py
    TCB  custom_modules/models/necks/transfer_connection_block.py
    ODM  custom_modules/models/dense_heads/object_detection_module.py
    the cascade between them   .../dense_heads/refinedet_head.py
    the loss of each step      .../losses/multibox_loss.py

Why a detector class of its own
-------------------------------
mmdet's SingleStageDetector is a pipeline ``backbone -> neck -> head``: the
head only sees the neck's output. RefineDet's head needs both ends of the
neck -- the ARM reads the backbone's source maps, the ODM reads the TCB's
transferred maps -- so this detector changes exactly one thing,
``extract_feat``, to hand the head the pair. Training, inference, test-time
augmentation and checkpoint loading are SingleStageDetector's.
"""
from mmdet.models.detectors import SingleStageDetector
from mmdet.registry import MODELS


@MODELS.register_module()
class RefineDet(SingleStageDetector):
    """SingleStageDetector whose head receives the neck's input and output.

    Args are those of SingleStageDetector; ``neck`` is required (the TCB).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.with_neck:
            raise ValueError('RefineDet needs a neck: the TCB that turns the '
                             "ARM's source maps into the ODM's inputs")

    def extract_feat(self, batch_inputs):
        """Return ``(source_maps, transferred_maps)``, four maps each."""
        source_maps = self.backbone(batch_inputs)
        transferred_maps = self.neck(source_maps)
        return source_maps, transferred_maps
