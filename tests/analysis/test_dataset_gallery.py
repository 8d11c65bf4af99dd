import numpy as np

from conftest import shapes_overrides
from custom_modules.analysis.dataset_gallery import draw_samples
from custom_modules.apis.config import import_plugins, load_config


def no_flip(root):
    opts = shapes_overrides(root)
    opts['train_dataloader.dataset.pipeline.3.prob'] = 0.0
    return opts


def test_gallery_tiles_and_draws_annotations(tiny_shapes):
    cfg = load_config('configs/mask_rcnn_r50_fpn.py', no_flip(tiny_shapes))
    import_plugins(cfg)
    grid = draw_samples(cfg, num=4, cols=2)
    # Images are resized to at most 256 px on the long side: 2x2 tiles.
    assert grid.dtype == np.uint8 and grid.shape[2] == 3
    assert 2 * 200 <= grid.shape[0] <= 2 * 256
    assert 2 * 200 <= grid.shape[1] <= 2 * 256
    plain = load_config('configs/mask_rcnn_r50_fpn.py', no_flip(tiny_shapes))
    from mmdet.registry import DATASETS
    first = DATASETS.build(plain.train_dataloader.dataset)[0]['inputs']
    h, w = first.shape[1:]
    # Drawing changed pixels of the first tile (boxes, masks, labels).
    assert not np.array_equal(grid[:h, :w],
                              first.permute(1, 2, 0).numpy()[..., ::-1])
