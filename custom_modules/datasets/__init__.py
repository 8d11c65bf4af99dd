from .shapes_dataset import ShapesDataset
from .shapes_generator import CLASSES, ShapesSpec, ensure_shapes_dataset
from .transforms import LoadImageOrSkip

__all__ = ['ShapesDataset', 'ShapesSpec', 'ensure_shapes_dataset', 'CLASSES',
           'LoadImageOrSkip']
