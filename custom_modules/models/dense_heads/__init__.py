from .predictable_ssd_head import PredictableSSDHead

__all__ = ['PredictableSSDHead']
from .anchor_refinement_module import AnchorRefinementModule  # noqa: E402
from .object_detection_module import ObjectDetectionModule  # noqa: E402
from .refinedet_head import RefineDetHead  # noqa: E402

__all__ += ['AnchorRefinementModule', 'ObjectDetectionModule', 'RefineDetHead']
