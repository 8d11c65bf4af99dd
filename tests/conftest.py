import os
import os.path as osp
import sys

import pytest

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, REPO)
# Tests build configs that name paths relative to the repo root.
os.chdir(REPO)


@pytest.fixture(scope='session')
def tiny_shapes(tmp_path_factory):
    """A real embedded dataset, small: 8 train and 4 val images written to
    disk by the project's generator."""
    from custom_modules.datasets.shapes_generator import (ShapesSpec,
                                                          ensure_shapes_dataset)
    root = str(tmp_path_factory.mktemp('shapes'))
    ensure_shapes_dataset(root, ShapesSpec(splits={'train': 8, 'val': 4}),
                          progress=False)
    return root


def shapes_overrides(root, img_scale=(128, 128), batch_size=2):
    """--cfg-options that point a shapes config at ``root`` and make it
    small enough for a unit test."""
    ann_val = osp.join(root, 'annotations', 'instances_val.json')
    return {
        'train_dataloader.dataset.data_root': root + '/',
        'train_dataloader.batch_size': batch_size,
        'train_dataloader.num_workers': 0,
        'train_dataloader.persistent_workers': False,
        'val_dataloader.dataset.data_root': root + '/',
        'val_dataloader.batch_size': batch_size,
        'val_dataloader.num_workers': 0,
        'val_dataloader.persistent_workers': False,
        'test_dataloader.dataset.data_root': root + '/',
        'test_dataloader.num_workers': 0,
        'test_dataloader.persistent_workers': False,
        'val_evaluator.ann_file': ann_val,
        'test_evaluator.ann_file': ann_val,
    }
