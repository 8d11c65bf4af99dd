"""What ``tools/validate_dataset.py`` does: every check of
:mod:`custom_modules.datasets.validation` on the train and val annotation
files of a config, plus the config-level ones (classes against the file,
num_classes of every head against the classes)."""
import os.path as osp
from typing import List, Tuple

from . import preflight
from ..errors import UserError
from .config import import_plugins, load_config


def validate_dataset(config: str, strict: bool = False,
                     check_images: bool = True,
                     cfg_options=None) -> Tuple[List[str], int]:
    """The report's lines and the exit status: 0 when training can go on
    (problems it filters are allowed unless ``strict``), 1 otherwise."""
    from mmdet.registry import DATASETS
    from custom_modules.datasets.validation import (load_coco_json,
                                                    validate_coco)
    cfg = load_config(config, cfg_options)
    import_plugins(cfg)
    lines, status = [], 0
    for loader in ('train_dataloader', 'val_dataloader'):
        for ds in preflight.leaf_datasets((cfg.get(loader) or {}).get(
                'dataset')):
            root = ds.get('data_root', '') or ''
            ann = osp.join(root, ds.get('ann_file', ''))
            img_dir = osp.join(root, (ds.get('data_prefix') or {}).get(
                'img', ''))
            cls = DATASETS.get(ds['type']) if isinstance(ds.get('type'),
                                                         str) else ds['type']
            try:
                preflight.check_annotation_json(
                    ann, preflight.dataset_classes(ds, cls))
                if loader == 'train_dataloader':
                    classes = preflight.dataset_classes(ds, cls)
                    if classes:
                        preflight.check_num_classes(cfg.model, len(classes))
            except UserError as err:
                lines.append(f'{loader}: error: {err}')
                status = 1
                continue
            report = validate_coco(load_coco_json(ann), ann, img_dir,
                                   check_images=check_images)
            lines += [f'{loader}: {line}' if i == 0 else line
                      for i, line in enumerate(report.lines())]
            blocking = report.of('error') or (strict and report.of(
                'filtered'))
            if blocking:
                status = 1
    lines.append('OK: training can use this data.' if status == 0 else
                 'FAILED: fix the problems above' +
                 (' (--strict refuses the ones training would filter).'
                  if strict else '.'))
    return lines, status
