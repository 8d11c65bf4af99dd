"""ShapesDataset: the embedded COCO-format dataset, generated on first use."""
import os.path as osp

from mmdet.datasets import CocoDataset
from mmdet.registry import DATASETS

from .shapes_generator import (CLASSES, ShapesSpec, ensure_shapes_dataset,
                               is_current)


@DATASETS.register_module()
class ShapesDataset(CocoDataset):
    """A plain :class:`mmdet.datasets.CocoDataset` over the shapes scenes.

    The only thing it adds is generation: when the annotation file is missing
    (or was written by an older generator) and ``generate_if_missing`` is set,
    the seeded generator writes the whole dataset under ``data_root`` first,
    so a fresh clone trains with no download. Everything else (parsing, filtering, evaluation through
    CocoMetric) is mmdet's own code path, exactly as for real COCO.
    """

    METAINFO = dict(
        classes=CLASSES,
        palette=[(220, 20, 60), (0, 130, 200), (60, 180, 75), (245, 130, 48),
                 (145, 30, 180), (240, 50, 230)])

    def __init__(self, *args, generate_if_missing: bool = True,
                 generator_seed: int = ShapesSpec.seed, **kwargs):
        self.generate_if_missing = generate_if_missing
        self.generator_seed = generator_seed
        super().__init__(*args, **kwargs)

    def load_data_list(self):
        spec = ShapesSpec(seed=self.generator_seed)
        if self.generate_if_missing and not is_current(self.ann_file, spec):
            # ann_file is already joined with data_root by BaseDataset.
            root = osp.dirname(osp.dirname(self.ann_file))
            ensure_shapes_dataset(root, spec)
        return super().load_data_list()
