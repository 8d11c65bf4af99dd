"""Following boxes through a detector's refinement steps.

Two detectors here refine a box more than once: RefineDet (tiled anchor ->
ARM -> ODM) and Cascade R-CNN (proposal -> stage 1 -> 2 -> 3). The question
asked of both is the same: take a fixed set of boxes, apply each step, and
measure each box's IoU with *its* object after every step. If a step helps,
the mean IoU rises and, more tellingly, the share of boxes above the high
IoU levels (the part of COCO's AP that AP50 ignores) rises. This module
holds that bookkeeping; ``refinedet_cascade`` and ``cascade_stages`` supply
the boxes.
"""
import math
from typing import Dict, List, Sequence, Tuple

import torch

# COCO's area buckets (on the original image's pixels, as COCOeval buckets).
SIZES = (('small', 0, 32 ** 2), ('medium', 32 ** 2, 96 ** 2),
         ('large', 96 ** 2, math.inf))


def iou_matrix(boxes_a: torch.Tensor, boxes_b: torch.Tensor) -> torch.Tensor:
    """IoU of every box of ``boxes_a`` with every box of ``boxes_b``."""
    from mmdet.structures.bbox import bbox_overlaps
    if len(boxes_a) == 0 or len(boxes_b) == 0:
        return torch.zeros(len(boxes_a), len(boxes_b))
    return bbox_overlaps(boxes_a, boxes_b)


def aligned_iou(boxes: torch.Tensor, gt: torch.Tensor) -> torch.Tensor:
    """IoU of ``boxes[i]`` with ``gt[i]``."""
    from mmdet.structures.bbox import bbox_overlaps
    return bbox_overlaps(boxes, gt, is_aligned=True)


def size_of(area: float) -> str:
    return next(name for name, lo, hi in SIZES if lo <= area < hi)


def step_rows(stats: Dict[str, list], prefix: str, areas: Sequence[float],
              steps: Sequence[Tuple[str, str]],
              iou_levels: Sequence[float]) -> List[Dict]:
    """One row per step: mean IoU (overall and by COCO size) and the share
    at each IoU level, of the IoUs ``stats[prefix + step_key]``; ``areas``
    are their objects' areas, in the same order."""
    rows = []
    for key, label in steps:
        ious = stats[prefix + key]
        n = len(ious)
        row = dict(step=label, boxes=n,
                   mean_iou=sum(ious) / n if n else float('nan'))
        for t in iou_levels:
            row[f'share_{t:g}'] = (sum(i >= t for i in ious) / n
                                   if n else float('nan'))
        for size, _, _ in SIZES:
            sel = [i for i, a in zip(ious, areas) if size_of(a) == size]
            row[f'mean_iou_{size}'] = (sum(sel) / len(sel) if sel
                                       else float('nan'))
        rows.append(row)
    return rows


def pct(v: float) -> str:
    return '–' if v != v else f'{100 * v:.1f}'


def step_table(rows: List[Dict], iou_levels: Sequence[float]) -> List[str]:
    """Markdown lines of :func:`step_rows`' rows."""
    def iou(v):
        return '–' if v != v else f'{v:.3f}'
    from custom_modules.reporting import markdown_table
    return markdown_table(
        ['step', 'mean IoU with its object', 'small', 'medium', 'large',
         *(f'% at IoU >= {t:g}' for t in iou_levels)],
        [[r['step'], iou(r['mean_iou']), iou(r['mean_iou_small']),
          iou(r['mean_iou_medium']), iou(r['mean_iou_large']),
          *(pct(r[f'share_{t:g}']) for t in iou_levels)] for r in rows])


def merge(per_image: Sequence[Dict[str, list]]) -> Dict[str, list]:
    """Concatenate per-image lists key by key."""
    merged: Dict[str, list] = {}
    for stats in per_image:
        for k, v in stats.items():
            merged.setdefault(k, []).extend(v)
    return merged


def stats_per_image(loader, run_batch, stats_of, max_images=None,
                    keep_image=0):
    """``run_batch(batch)`` returns one output dict per image; return
    ``stats_of(out)`` for each image over the loader, the first
    ``max_images`` only (all if None, and no batch run beyond them), and the
    output of image number ``keep_image`` (None if not reached), which the
    tools draw."""
    import itertools
    outputs = (out for batch in loader for out in run_batch(batch))
    stats, kept = [], None
    for index, out in enumerate(itertools.islice(outputs, max_images)):
        stats.append(stats_of(out))
        if index == keep_image:
            kept = out
    return stats, kept


def gt_area(out: Dict) -> torch.Tensor:
    """COCO areas of an output's ground truth (``out['gt']`` in input
    pixels), back in the original image's pixels via ``out['scale']``."""
    sx, sy = out['scale']
    wh = out['gt'][:, 2:] - out['gt'][:, :2]
    return wh[:, 0] * wh[:, 1] / (sx * sy)


def gt_in_input_pixels(sample) -> torch.Tensor:
    """A test sample's boxes scaled into the network's input pixels: mmdet's
    test pipelines load them after the resize (evaluation is in original
    pixels), so they must be scaled here."""
    sx, sy = sample.metainfo['scale_factor']
    gt = sample.gt_instances.bboxes
    return getattr(gt, 'tensor', gt).float().cpu() * torch.tensor(
        [sx, sy, sx, sy])


def draw_panels(img_path: str, img_shape, gt: torch.Tensor,
                panels: Sequence[Tuple[str, torch.Tensor]], path: str) -> str:
    """One image, resized to the network's input, once per panel: the
    ground truth in green and the panel's boxes ``(K, 4)`` in red, or its
    points ``(K, 2)`` as red dots. Written to ``path`` as a PNG."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    import mmcv
    h, w = img_shape
    image = mmcv.imresize(mmcv.imread(img_path, channel_order='rgb'), (w, h))
    fig, axes = plt.subplots(1, len(panels), figsize=(4 * len(panels), 4.4))
    for ax, (title, shapes) in zip(axes, panels):
        ax.imshow(image)
        for x1, y1, x2, y2 in gt.tolist():
            ax.add_patch(plt.Rectangle((x1, y1), x2 - x1, y2 - y1,
                                       fill=False, color='lime', lw=2))
        if shapes.shape[-1] == 4:
            for x1, y1, x2, y2 in shapes.tolist():
                ax.add_patch(plt.Rectangle((x1, y1), x2 - x1, y2 - y1,
                                           fill=False, color='red', lw=0.8))
        else:
            ax.scatter(shapes[:, 0], shapes[:, 1], s=4, c='red')
        ax.set_title(title, fontsize=10)
        ax.set_xlim(0, w)
        ax.set_ylim(h, 0)
        ax.axis('off')
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path
