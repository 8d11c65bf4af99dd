"""A corrupt training image is skipped with a warning that names it; the
dataset hands out another image and the epoch goes on."""
import json
import os.path as osp
import shutil

import numpy as np

import custom_modules  # noqa: F401  (registers the transform)
from custom_modules.datasets.transforms import LoadImageOrSkip


def corrupt_first_train_image(root, tmp_path):
    dst = tmp_path / 'shapes'
    shutil.copytree(root, dst)
    ann = json.load(open(dst / 'annotations' / 'instances_train.json'))
    first = ann['images'][0]['file_name']
    path = dst / 'train' / first
    path.write_bytes(path.read_bytes()[:200])  # a truncated download
    return str(dst), str(path)


def test_transform_returns_none_and_names_the_file(tiny_shapes, tmp_path,
                                                   mmlogger_records):
    import logging
    root, bad = corrupt_first_train_image(tiny_shapes, tmp_path)
    assert LoadImageOrSkip()(dict(img_path=bad)) is None
    [record] = mmlogger_records
    assert record.levelno == logging.WARNING
    assert record.getMessage().startswith(f'skipping unreadable image {bad} (')
    load = LoadImageOrSkip()
    good = osp.join(root, 'val', sorted(
        f for f in __import__('os').listdir(osp.join(root, 'val')))[0])
    out = load(dict(img_path=good))
    assert isinstance(out['img'], np.ndarray) and out['img'].ndim == 3


def test_training_dataset_draws_another_image(tiny_shapes, tmp_path):
    root, bad = corrupt_first_train_image(tiny_shapes, tmp_path)
    from mmdet.registry import DATASETS
    from mmdet.utils import register_all_modules
    register_all_modules()
    ds = DATASETS.build(dict(
        type='ShapesDataset', data_root=root + '/',
        ann_file='annotations/instances_train.json',
        data_prefix=dict(img='train/'), generate_if_missing=False,
        pipeline=[dict(type='LoadImageOrSkip'),
                  dict(type='LoadAnnotations', with_bbox=True),
                  dict(type='PackDetInputs')]))
    idx = next(i for i in range(len(ds))
               if ds.get_data_info(i)['img_path'] == bad)
    sample = ds[idx]
    assert sample['data_samples'].img_path != bad
    assert sample['inputs'].shape[0] == 3
