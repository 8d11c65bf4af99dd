"""tools/analysis/detection_errors.py end to end on a real (tiny) embedded
dataset: the ground truth itself, dumped as tools/test.py --out would dump
detections, scores AP 100 with every object 'precise'; bad input ends in one
line."""
import json
import os.path as osp
import pickle

import torch

from conftest import REPO
from test_cli_errors import assert_one_line_error


def _config_on(tmp_path, root):
    ann = osp.join(root, 'annotations', 'instances_val.json')
    cfg = tmp_path / 'retinanet_tiny.py'
    cfg.write_text(f"_base_ = '{REPO}/configs/retinanet_r50_fpn.py'\n"
                   f"test_dataloader = dict(dataset=dict(data_root='{root}/'))\n"
                   f"test_evaluator = dict(ann_file='{ann}')\n")
    return cfg, ann


def test_ground_truth_as_detections_is_perfect(tmp_path, tiny_shapes, run_tool):
    from custom_modules.datasets.shapes_dataset import ShapesDataset
    cfg, ann = _config_on(tmp_path, tiny_shapes)
    gt = json.load(open(ann))
    classes = ShapesDataset.METAINFO['classes']
    label_of = {c['id']: classes.index(c['name']) for c in gt['categories']}
    dumped = []
    for image in gt['images']:
        anns = [a for a in gt['annotations'] if a['image_id'] == image['id']]
        boxes = [[x, y, x + w, y + h] for x, y, w, h in
                 (a['bbox'] for a in anns)]
        dumped.append(dict(img_id=image['id'], pred_instances=dict(
            bboxes=torch.tensor(boxes).reshape(-1, 4),
            scores=torch.ones(len(anns)),
            labels=torch.tensor([label_of[a['category_id']] for a in anns],
                                dtype=torch.long))))
    dets = tmp_path / 'dets.pkl'
    dets.write_bytes(pickle.dumps(dumped))
    out = tmp_path / 'errors.md'
    proc = run_tool(['tools/analysis/detection_errors.py', str(cfg),
                     str(dets), '--out', str(out)])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'AP 100.0, class-agnostic 100.0, at IoU 0.1 100.0' in proc.stdout
    page = out.read_text()
    n = len(gt['annotations'])
    assert f'| all | {n} | 100.0 | 0.0 | 0.0 | 0.0 | 0.0 |' in page


def test_missing_detections_file_says_how_to_make_it(tmp_path, tiny_shapes, run_tool):
    cfg, _ = _config_on(tmp_path, tiny_shapes)
    proc = run_tool(['tools/analysis/detection_errors.py', str(cfg),
                     str(tmp_path / 'none.pkl')])
    assert_one_line_error(proc, 'detections file not found',
                          'tools/test.py', '--out')
