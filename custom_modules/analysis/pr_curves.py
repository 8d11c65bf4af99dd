"""Per-class precision-recall curves at IoU 0.5 and 0.75, from COCOeval.

AP is the area under a PR curve, so one number hides its shape: a class can
lose AP by never reaching high recall (the curve stops early: objects the
detector never finds) or by low precision at every recall (confident false
positives). COCOeval already computes the interpolated curve on 101 recall
points for each class and IoU threshold (``eval['precision']``, indexed
[IoU, recall, class, area, maxDets]); this module reads it for the whole
area range and 100 detections per image and draws one panel per IoU.
"""
import contextlib
import io
import os
import os.path as osp
from typing import Dict, List, Sequence

import numpy as np

IOUS = (0.5, 0.75)


def pr_curves(coco_gt, results: List[dict], classes: Sequence[str]
              ) -> Dict[float, Dict[str, np.ndarray]]:
    """{iou: {class: precision at recall 0, 0.01, ..., 1}}. As COCOeval
    fills it: 0 at recalls the detector never reaches, -1 for a class with
    no ground truth (and, here, for every class when there are no
    detections at all)."""
    from pycocotools.cocoeval import COCOeval
    with contextlib.redirect_stdout(io.StringIO()):
        coco_dt = coco_gt.loadRes(results) if results else None
        if coco_dt is None:
            return {iou: {c: np.full(101, -1.0) for c in classes}
                    for iou in IOUS}
        ev = COCOeval(coco_gt, coco_dt, 'bbox')
        ev.evaluate()
        ev.accumulate()
    names = {c['id']: c['name'] for c in coco_gt.loadCats(ev.params.catIds)}
    curves = {}
    for iou in IOUS:
        t = int(np.argmin(np.abs(ev.params.iouThrs - iou)))
        curves[iou] = {names[cat]: ev.eval['precision'][t, :, k, 0, -1]
                       for k, cat in enumerate(ev.params.catIds)
                       if names[cat] in classes}
    return curves


def plot(curves, out: str) -> str:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    recall = np.linspace(0, 1, 101)
    fig, axes = plt.subplots(1, len(curves), figsize=(5 * len(curves), 4.2),
                             squeeze=False)
    for ax, (iou, per_class) in zip(axes[0], curves.items()):
        for name, precision in per_class.items():
            keep = precision > -1
            ap = precision[keep].mean() if keep.any() else float('nan')
            ax.plot(recall[keep], precision[keep],
                    label=f'{name} (AP {100 * ap:.1f})')
        ax.set(title=f'IoU {iou}', xlabel='recall', ylabel='precision',
               xlim=(0, 1), ylim=(0, 1.02))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc='lower left')
    fig.tight_layout()
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
