"""Where a detector's AP goes: an error breakdown of its val detections.

COCO AP is one number that mixes three failures: a box that is not there
(missed), a box in the right place with the wrong class (mislabelled), and a
box of the right class in roughly the right place but not tight enough
(mislocated, or only loose). Knowing which one dominates says what to change:
more steps or a bigger classifier for mislabels, a better regressor or IoU
matching for loose boxes, anchors or resolution for misses.

Two views, both computed with pycocotools on the same detections:

* **Per ground truth** (recall side). Each ground-truth box is put in the
  first bucket that applies, looking at the detections of its image above a
  score threshold (a typical operating point, 0.3 by default)::

      precise      a detection of its class with IoU >= 0.75
      loose        a detection of its class with 0.5 <= IoU < 0.75
      mislabelled  no detection of its class at IoU >= 0.5, but one of
                   another class at IoU >= 0.5: found, wrongly named
      mislocated   a detection of its class with 0.1 <= IoU < 0.5
      missed       nothing of its class above IoU 0.1, nothing at all >= 0.5

  Detections are not matched one-to-one here (a box may explain two ground
  truths); duplicates and false positives are the precision side's business,
  which the AP views below account for.

* **AP with one failure forgiven** (whole precision-recall curve, every
  score). ``AP`` is COCO AP; ``class-agnostic AP`` re-runs the evaluation
  with ``useCats=0``, so a box counts whatever class it names -- the gap to
  AP is what classification costs; ``AP@IoU0.1`` keeps the classes but
  accepts any box that overlaps its object at all -- the gap from AP is what
  localisation costs.

Size buckets are COCO's (area < 32^2, < 96^2, larger), over the same area
COCOeval uses (the annotation's ``area``).
"""
import contextlib
import io
from typing import Dict, List, Sequence

import numpy as np

BUCKETS = ('precise', 'loose', 'mislabelled', 'mislocated', 'missed')
SIZES = ('small', 'medium', 'large')


def box_iou(boxes_a: np.ndarray, boxes_b: np.ndarray) -> np.ndarray:
    """IoU matrix of (N, 4) and (M, 4) boxes in x1, y1, x2, y2."""
    a = np.asarray(boxes_a, dtype=np.float64).reshape(-1, 4)
    b = np.asarray(boxes_b, dtype=np.float64).reshape(-1, 4)
    lt = np.maximum(a[:, None, :2], b[None, :, :2])
    rb = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.clip(rb - lt, 0, None).prod(-1)
    area_a = (a[:, 2:] - a[:, :2]).clip(0).prod(-1)
    area_b = (b[:, 2:] - b[:, :2]).clip(0).prod(-1)
    union = area_a[:, None] + area_b[None, :] - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-12), 0.)


def classify_ground_truth(gt_boxes, gt_labels, det_boxes, det_labels,
                          det_scores, score_thr: float = 0.3) -> List[str]:
    """The bucket (see the module docstring) of every ground-truth box of one
    image, given that image's detections."""
    gt_labels = np.asarray(gt_labels)
    keep = np.asarray(det_scores) >= score_thr
    det_boxes = np.asarray(det_boxes, dtype=np.float64).reshape(-1, 4)[keep]
    det_labels = np.asarray(det_labels)[keep]
    ious = box_iou(gt_boxes, det_boxes)
    outcomes = []
    for i, label in enumerate(gt_labels):
        same = ious[i][det_labels == label]
        other = ious[i][det_labels != label]
        best_same = same.max() if same.size else 0.
        best_other = other.max() if other.size else 0.
        if best_same >= 0.75:
            outcomes.append('precise')
        elif best_same >= 0.5:
            outcomes.append('loose')
        elif best_other >= 0.5:
            outcomes.append('mislabelled')
        elif best_same >= 0.1:
            outcomes.append('mislocated')
        else:
            outcomes.append('missed')
    return outcomes


def size_of(area: float) -> str:
    return 'small' if area < 32**2 else 'medium' if area < 96**2 else 'large'


def results_from_dump(dumped: Sequence[dict], classes: Sequence[str],
                      categories: Sequence[dict]) -> List[dict]:
    """COCO result dicts from ``tools/test.py --out`` (mmdet's dump: one dict
    per image with ``img_id`` and ``pred_instances``). Labels index
    ``classes``; categories are matched by name, not by position."""
    id_of = {c['name']: c['id'] for c in categories}
    missing = [c for c in classes if c not in id_of]
    if missing:
        raise ValueError(f'classes {missing} of the config are not '
                         'categories of the annotation file')
    results = []
    for image in dumped:
        pred = image['pred_instances']
        for box, score, label in zip(
                np.asarray(pred['bboxes']), np.asarray(pred['scores']),
                np.asarray(pred['labels'])):
            x1, y1, x2, y2 = (float(v) for v in box)
            results.append(dict(
                image_id=int(image['img_id']),
                category_id=id_of[classes[int(label)]],
                bbox=[x1, y1, x2 - x1, y2 - y1], score=float(score)))
    return results


def load_detections(config: str, detections: str, cfg_options=None):
    """(coco_gt, COCO results, classes) for the test split of ``config`` and
    a ``tools/test.py --out`` dump; what every per-detection analysis
    starts from."""
    import os.path as osp
    import pickle
    from pycocotools.coco import COCO
    from mmdet.registry import DATASETS
    from custom_modules.apis.config import import_plugins, load_config
    from custom_modules.errors import UserError
    cfg = load_config(config, cfg_options)
    import_plugins(cfg)
    if not osp.isfile(detections):
        raise UserError(
            f'detections file not found: {detections}: write it with '
            f'`python tools/test.py {config} CHECKPOINT --out '
            f'{detections}`.')
    ann_file = cfg.test_evaluator.get('ann_file')
    if not ann_file or not osp.isfile(ann_file):
        raise UserError(
            f'{config}: test_evaluator.ann_file {ann_file!r} is not a '
            'COCO annotation file on disk; this analysis needs COCO-format '
            'ground truth (VOC: convert it with tools/dataset_converters/).')
    ds_cfg = cfg.test_dataloader.dataset
    classes = (ds_cfg.get('metainfo') or {}).get('classes') or \
        DATASETS.get(ds_cfg.type).METAINFO['classes']
    with open(detections, 'rb') as f:
        dumped = pickle.load(f)
    with contextlib.redirect_stdout(io.StringIO()):  # pycocotools' chatter
        coco_gt = COCO(ann_file)
    results = results_from_dump(dumped, classes,
                                coco_gt.loadCats(coco_gt.getCatIds()))
    return coco_gt, results, tuple(classes)


def _coco_ap(coco_gt, coco_dt, use_cats=True, iou_thrs=None) -> float:
    from pycocotools.cocoeval import COCOeval
    evaluator = COCOeval(coco_gt, coco_dt, 'bbox')
    evaluator.params.useCats = int(use_cats)
    if iou_thrs is not None:
        evaluator.params.iouThrs = np.asarray(iou_thrs, dtype=np.float64)
    with contextlib.redirect_stdout(io.StringIO()):
        evaluator.evaluate()
        evaluator.accumulate()
    # precision[T, R, K, A, M]: area 'all', maxDets 100; -1 marks no data.
    precision = evaluator.eval['precision'][:, :, :, 0, -1]
    valid = precision[precision > -1]
    return float(valid.mean()) if valid.size else float('nan')


def analyse(coco_gt, results: List[dict], score_thr: float = 0.3) -> Dict:
    """Both views of the module docstring for ``results`` (COCO result
    dicts) against ``coco_gt`` (a pycocotools COCO)."""
    counts = {s: dict.fromkeys(BUCKETS, 0) for s in SIZES}
    by_image: Dict[int, List[dict]] = {}
    for r in results:
        by_image.setdefault(r['image_id'], []).append(r)
    for image_id in coco_gt.getImgIds():
        anns = [a for a in coco_gt.loadAnns(coco_gt.getAnnIds(
            imgIds=image_id, iscrowd=False))]
        if not anns:
            continue
        dets = by_image.get(image_id, [])
        outcomes = classify_ground_truth(
            [[a['bbox'][0], a['bbox'][1], a['bbox'][0] + a['bbox'][2],
              a['bbox'][1] + a['bbox'][3]] for a in anns],
            [a['category_id'] for a in anns],
            [[d['bbox'][0], d['bbox'][1], d['bbox'][0] + d['bbox'][2],
              d['bbox'][1] + d['bbox'][3]] for d in dets],
            [d['category_id'] for d in dets],
            [d['score'] for d in dets], score_thr)
        for ann, outcome in zip(anns, outcomes):
            counts[size_of(ann['area'])][outcome] += 1
    if results:
        with contextlib.redirect_stdout(io.StringIO()):
            coco_dt = coco_gt.loadRes(results)
        ap = dict(
            ap=_coco_ap(coco_gt, coco_dt),
            class_agnostic_ap=_coco_ap(coco_gt, coco_dt, use_cats=False),
            ap_iou10=_coco_ap(coco_gt, coco_dt, iou_thrs=[0.1]))
    else:
        ap = dict(ap=0., class_agnostic_ap=0., ap_iou10=0.)
    return dict(counts=counts, score_thr=score_thr, **ap)


def render_markdown(summary: Dict, env: Dict[str, str], cmd: str,
                    title: str) -> str:
    from custom_modules.reporting import machine_table, markdown_table
    lines = [f'# Detection errors: {title}', '',
             f'Produced by `{cmd}` '
             '(custom_modules/analysis/detection_errors.py explains every '
             'bucket). Rerun it to reproduce.', '']
    lines += machine_table(env)
    s = summary
    lines += ['', '## AP with one failure forgiven', '',
              *markdown_table(
                  ['AP', 'class-agnostic AP', 'AP@IoU0.1',
                   'lost to classification', 'lost to localisation'],
                  [[f"{100 * s['ap']:.1f}",
                    f"{100 * s['class_agnostic_ap']:.1f}",
                    f"{100 * s['ap_iou10']:.1f}",
                    f"{100 * (s['class_agnostic_ap'] - s['ap']):.1f}",
                    f"{100 * (s['ap_iou10'] - s['ap']):.1f}"]])]
    lines += ['', f"## Ground truth by outcome (detections with score >= "
              f"{s['score_thr']:g}), % of the size bucket", '']
    table = []
    for size in SIZES + ('all',):
        row = (s['counts'][size] if size != 'all' else {
            b: sum(s['counts'][z][b] for z in SIZES) for b in BUCKETS})
        total = sum(row.values())
        table.append([size, total] + [f'{100 * row[b] / total:.1f}' if total
                                      else '–' for b in BUCKETS])
    lines += markdown_table(['size', 'objects', *BUCKETS], table)
    return '\n'.join(lines) + '\n'
