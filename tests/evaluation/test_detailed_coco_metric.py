"""DetailedCocoMetric must return exactly what pycocotools computes."""
import os.path as osp

import numpy as np
import pytest
import torch
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

import custom_modules  # noqa: F401  (registers the metric)
from custom_modules.datasets.shapes_generator import CLASSES
from custom_modules.evaluation.detailed_coco_metric import DetailedCocoMetric


def fixture_predictions(coco, seed=0):
    """Per image: every GT box jittered (some a lot), with a score, plus
    false positives; labels sometimes wrong. Deterministic."""
    rng = np.random.default_rng(seed)
    preds = []
    for img_id in sorted(coco.getImgIds()):
        anns = coco.loadAnns(coco.getAnnIds(imgIds=[img_id]))
        boxes, scores, labels = [], [], []
        for a in anns:
            x, y, w, h = a['bbox']
            j = rng.normal(0, rng.choice([0.02, 0.15]), 4) * [w, h, w, h]
            boxes.append([x + j[0], y + j[1], x + w + j[2], y + h + j[3]])
            scores.append(rng.uniform(0.3, 1.0))
            wrong = rng.uniform() < 0.15
            labels.append(int(rng.integers(len(CLASSES))) if wrong
                          else a['category_id'] - 1)
        for _ in range(3):
            x0, y0 = rng.uniform(0, 200, 2)
            s = rng.uniform(10, 60)
            boxes.append([x0, y0, x0 + s, y0 + s])
            scores.append(rng.uniform(0.05, 0.6))
            labels.append(int(rng.integers(len(CLASSES))))
        preds.append(dict(img_id=img_id,
                          bboxes=torch.tensor(boxes, dtype=torch.float32),
                          scores=torch.tensor(scores, dtype=torch.float32),
                          labels=torch.tensor(labels)))
    return preds


def reference_stats(ann_file, preds):
    coco = COCO(ann_file)
    dets = []
    for p in preds:
        for b, s, l in zip(p['bboxes'].tolist(), p['scores'].tolist(),
                           p['labels'].tolist()):
            # Same float32 values the metric sees, converted the COCO way.
            dets.append(dict(image_id=p['img_id'], category_id=l + 1,
                             bbox=[b[0], b[1], b[2] - b[0], b[3] - b[1]],
                             score=s))
    ev = COCOeval(coco, coco.loadRes(dets), 'bbox')
    ev.params.maxDets = [100, 300, 1000]
    ev.evaluate()
    ev.accumulate()
    ev.summarize()
    return ev


def test_matches_pycocotools(tiny_shapes):
    ann_file = osp.join(tiny_shapes, 'annotations', 'instances_val.json')
    coco = COCO(ann_file)
    preds = fixture_predictions(coco)
    metric = DetailedCocoMetric(ann_file=ann_file, metric='bbox')
    metric.dataset_meta = dict(classes=CLASSES)
    for p in preds:
        metric.process({}, [dict(img_id=p['img_id'], pred_instances=p,
                                 ori_shape=(320, 320))])
    out = metric.evaluate(len(preds))
    ref = reference_stats(ann_file, preds)
    names = ['mAP', 'mAP_50', 'mAP_75', 'mAP_s', 'mAP_m', 'mAP_l']
    for i, n in enumerate(names):
        assert out[f'coco/bbox_{n}'] == pytest.approx(ref.stats[i], abs=1e-12)
    # Jitter makes AP75 well below AP50, and the fixture is not trivial.
    assert 0.1 < out['coco/bbox_mAP'] < 0.95
    assert out['coco/bbox_mAP_75'] < out['coco/bbox_mAP_50']
    # Per-class AP by hand from the reference precision array.
    prec = ref.eval['precision']
    for k, cat_id in enumerate(sorted(coco.getCatIds())):
        name = coco.loadCats(cat_id)[0]['name']
        p = prec[:, :, k, 0, -1]
        expected = p[p > -1].mean() if (p > -1).any() else float('nan')
        got = out[f'coco/bbox_AP_{name}']
        assert (np.isnan(got) and np.isnan(expected)) or \
            got == pytest.approx(expected, abs=1e-12)
        p50 = prec[0, :, k, 0, -1]
        if (p50 > -1).any():
            assert out[f'coco/bbox_AP50_{name}'] == pytest.approx(
                p50[p50 > -1].mean(), abs=1e-12)


def test_no_detections_is_zero_not_a_crash(tiny_shapes):
    ann_file = osp.join(tiny_shapes, 'annotations', 'instances_val.json')
    metric = DetailedCocoMetric(ann_file=ann_file, metric='bbox')
    metric.dataset_meta = dict(classes=CLASSES)
    empty = dict(bboxes=torch.zeros(0, 4), scores=torch.zeros(0),
                 labels=torch.zeros(0, dtype=torch.long))
    metric.process({}, [dict(img_id=1, pred_instances=empty,
                             ori_shape=(320, 320))])
    out = metric.evaluate(1)
    assert out['coco/bbox_mAP'] == 0.0
