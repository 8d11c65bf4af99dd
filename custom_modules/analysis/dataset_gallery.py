"""Draw a dataset's ground truth as it reaches the model: after the config's
train pipeline (resize, flip), with boxes, masks and class names, tiled into
one picture. What you look at first when a detector refuses to learn."""
from typing import Optional

import numpy as np


def draw_samples(cfg, num: int = 6, split: str = 'train',
                 cols: int = 3) -> np.ndarray:
    """A grid of ``num`` annotated images (RGB uint8)."""
    import mmcv
    from mmdet.registry import DATASETS, VISUALIZERS
    from mmdet.structures.bbox import BaseBoxes
    loader = cfg.get(f'{split}_dataloader')
    dataset = DATASETS.build(loader.dataset)
    visualizer = VISUALIZERS.build(dict(type='DetLocalVisualizer',
                                        name=f'gallery-{id(dataset)}'))
    visualizer.dataset_meta = dataset.metainfo
    tiles = []
    for i in range(min(num, len(dataset))):
        item = dataset[i]
        sample = item['data_samples']
        img = item['inputs'].permute(1, 2, 0).numpy()[..., ::-1].copy()
        gt = sample.gt_instances
        if isinstance(gt.bboxes, BaseBoxes):
            gt.bboxes = gt.bboxes.tensor
        visualizer.add_datasample('gt', img, sample, draw_pred=False,
                                  show=False)
        tiles.append(visualizer.get_image())
    h = max(t.shape[0] for t in tiles)
    w = max(t.shape[1] for t in tiles)
    padded = [mmcv.impad(t, shape=(h, w), pad_val=(255, 255, 255)) for t in tiles]
    while len(padded) % cols:
        padded.append(np.full((h, w, 3), 255, np.uint8))
    rows = [np.concatenate(padded[r:r + cols], 1)
            for r in range(0, len(padded), cols)]
    return np.concatenate(rows, 0)


def save_gallery(cfg, out_file: str, num: int = 6, split: str = 'train',
                 cols: int = 3) -> Optional[str]:
    import mmcv
    grid = draw_samples(cfg, num, split, cols)
    mmcv.imwrite(grid[..., ::-1], out_file)
    return out_file
