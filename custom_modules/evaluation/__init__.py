from .detailed_coco_metric import DetailedCocoMetric

__all__ = ['DetailedCocoMetric']
