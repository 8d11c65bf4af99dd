"""The confusion matrix of hand-made detections on the real val split: the
ground truth as detections, one label swapped, one box on empty background,
gives counts computed by hand."""
import pickle

import numpy as np
import pytest
import torch

from custom_modules.analysis.confusion_matrix import (confusion_matrix,
                                                      save_plot)
from custom_modules.errors import UserError
from conftest import shapes_overrides


def opts(root):
    return {k: v for k, v in shapes_overrides(root).items()
            if k.startswith('test_')}


def test_counts_by_hand(tiny_shapes, tmp_path):
    from mmengine.config import Config
    from mmdet.registry import DATASETS
    from mmdet.utils import register_all_modules
    import custom_modules  # noqa: F401
    register_all_modules()
    cfg = Config.fromfile('configs/retinanet_r50_fpn.py')
    cfg.merge_from_dict(opts(tiny_shapes))
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    results, expected = [], np.zeros((7, 7))
    for i in range(len(dataset)):
        gts = dataset.get_data_info(i)['instances']
        boxes = [g['bbox'] for g in gts]
        labels = [g['bbox_label'] for g in gts]
        for lab in labels:
            expected[lab, lab] += 1
        if i == 0:   # the first object called the next class
            expected[labels[0], labels[0]] -= 1
            expected[labels[0], (labels[0] + 1) % 6] += 1
            expected[labels[0], 6] += 1  # and so that object is missed
            labels[0] = (labels[0] + 1) % 6
            boxes.append([0, 0, 2, 2])   # a box on background, class 0
            labels.append(0)
            expected[6, 0] += 1
        results.append(dict(pred_instances=dict(
            bboxes=torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4),
            scores=torch.ones(len(boxes)),
            labels=torch.tensor(labels))))
    dets = tmp_path / 'dets.pkl'
    dets.write_bytes(pickle.dumps(results))
    matrix, names = confusion_matrix('configs/retinanet_r50_fpn.py',
                                     str(dets), cfg_options=opts(tiny_shapes))
    assert names[-1] == 'background' and len(names) == 7
    np.testing.assert_array_equal(matrix, expected)
    out = save_plot(matrix, names, str(tmp_path / 'cm.png'))
    assert open(out, 'rb').read(8) == b'\x89PNG\r\n\x1a\n'


def test_detections_of_another_split(tiny_shapes, tmp_path):
    dets = tmp_path / 'dets.pkl'
    dets.write_bytes(pickle.dumps([]))
    with pytest.raises(UserError, match='holds 0 images but the test split'):
        confusion_matrix('configs/retinanet_r50_fpn.py', str(dets),
                         cfg_options=opts(tiny_shapes))
