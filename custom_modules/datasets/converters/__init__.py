"""Dataset format converters; the CLIs are in tools/dataset_converters/."""
from .voc_to_coco import (STANDARD_SPLITS, VOC_CLASSES,
                          available_standard_splits, convert_voc_to_coco,
                          save_coco_json, voc_box_to_coco)

__all__ = [
    'STANDARD_SPLITS', 'VOC_CLASSES', 'available_standard_splits',
    'convert_voc_to_coco', 'save_coco_json', 'voc_box_to_coco'
]
