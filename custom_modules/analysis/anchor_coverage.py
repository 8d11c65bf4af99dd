"""How well a detector's anchors fit a dataset's objects, before any training.

An anchor-based detector never regresses a box from nothing: each ground-truth
object is learned through the anchors that the assigner calls positive, the
ones whose IoU with it reaches the assigner's threshold (0.5 for SSD,
RetinaNet and RefineDet; 0.7 for an RPN). Two numbers per object follow from
the anchor layout and the input size alone:

* the **best IoU** of any anchor with it. Below the threshold the object is
  matched only through the "best anchor of each object" rule (or not at
  all), so its single positive starts far from it;
* the **number of positives**. Each positive is one more regression and
  classification target per image: an object with six positives is learned
  from six gradients, one with a single positive from one. From a random
  init, in a few hundred iterations, that density decides how fast an
  object size is learned, not only whether it can be.

Shrinking anchors towards small objects raises the first number for them and
lowers the second for everything whose size the anchors no longer straddle:
neighbouring anchors of a smaller size overlap the same object less, so fewer
pass the threshold. This module measures both on the real val split, after
the config's own test pipeline (the resize the network really sees), by COCO
size bucket, so a change of anchor scale or input size can be judged before
it costs a training run.
"""
import math
import statistics
from typing import Dict, List, Optional, Sequence, Tuple

import torch

# COCO's area buckets, on the annotation's area field (what COCOeval uses).
SIZE_BUCKETS = (('small', 0, 32 ** 2), ('medium', 32 ** 2, 96 ** 2),
                ('large', 96 ** 2, math.inf))


def featmap_sizes(padded_hw: Tuple[int, int],
                  strides: Sequence) -> List[Tuple[int, int]]:
    """Feature-map size of each level: ceil(input / stride). Exact for the
    nets here: VGG pools with ceil_mode, a 3x3 stride-2 conv with padding 1
    maps n to ceil(n / 2), and SSD's last layers (3x3 convs without padding)
    land on ceil(300 / 100) = 3 and ceil(300 / 300) = 1 cells."""
    sizes = []
    for s in strides:
        sw, sh = (s, s) if isinstance(s, (int, float)) else s
        sizes.append((math.ceil(padded_hw[0] / sh),
                      math.ceil(padded_hw[1] / sw)))
    return sizes


def match_stats(gt: torch.Tensor, anchors: torch.Tensor,
                pos_iou: float) -> Tuple[torch.Tensor, torch.Tensor]:
    """For each ground-truth box (x1, y1, x2, y2), the best IoU of any
    anchor with it and the number of anchors at IoU >= ``pos_iou``."""
    from mmdet.structures.bbox import bbox_overlaps
    if len(gt) == 0:
        return torch.zeros(0), torch.zeros(0, dtype=torch.long)
    iou = bbox_overlaps(gt, anchors)
    return iou.max(dim=1).values, (iou >= pos_iou).sum(dim=1)


def summarise(best_iou: Sequence[float], positives: Sequence[int],
              areas: Sequence[float], pos_iou: float) -> List[dict]:
    """One row per COCO size bucket, then 'all': objects, share whose best
    anchor reaches ``pos_iou``, mean and median positives, mean best IoU."""
    rows = []
    for name, lo, hi in (*SIZE_BUCKETS, ('all', -math.inf, math.inf)):
        idx = [i for i, a in enumerate(areas) if lo <= a < hi]
        if not idx:
            rows.append(dict(size=name, objects=0))
            continue
        best = [float(best_iou[i]) for i in idx]
        pos = [int(positives[i]) for i in idx]
        rows.append(dict(
            size=name, objects=len(idx),
            reached=sum(b >= pos_iou for b in best) / len(idx),
            mean_positives=sum(pos) / len(idx),
            median_positives=statistics.median(pos),
            no_positive=sum(p == 0 for p in pos) / len(idx),
            mean_best_iou=sum(best) / len(idx)))
    return rows


def head_with_anchors(model_cfg) -> Tuple[str, dict]:
    """The head whose anchors the assigner matches: ``bbox_head`` of a
    one-stage detector, ``rpn_head`` of a two-stage one."""
    for key in ('bbox_head', 'rpn_head'):
        head = model_cfg.get(key)
        if head is not None and head.get('anchor_generator') is not None:
            return key, head['anchor_generator']
    from custom_modules.errors import UserError
    raise UserError(
        f"model type {model_cfg.get('type')} has no bbox_head or rpn_head "
        'with an anchor_generator: it is not anchor-based; give a config of '
        'SSD, RetinaNet, RefineDet or an R-CNN (its RPN)')


def positive_iou_of(cfg) -> Optional[float]:
    """The assigner's positive threshold, where the config names one."""
    train_cfg = cfg.model.get('train_cfg') or {}
    # One-stage heads keep their assigner at the top of train_cfg, an
    # R-CNN's anchors are matched by its RPN's, and RefineDet's raw anchors
    # by the ARM loss's own assigner.
    arm_loss = (cfg.model.get('bbox_head') or {}).get('loss_arm') or {}
    for owner in (train_cfg, train_cfg.get('rpn') or {}, arm_loss):
        assigner = owner.get('assigner') or {}
        if 'pos_iou_thr' in assigner:
            return float(assigner['pos_iou_thr'])
    return None


def measure_config(config: str, pos_iou: Optional[float] = None,
                   max_images: Optional[int] = None,
                   cfg_options: Optional[dict] = None) -> dict:
    """Anchor statistics of one config on its test split: every image goes
    through the config's test pipeline for its resize and scale factor, and
    the data preprocessor's padding gives the grid the anchors tile."""
    from mmdet.registry import DATASETS, TASK_UTILS
    from pycocotools.coco import COCO

    from custom_modules.apis import preflight
    from custom_modules.apis.config import import_plugins, load_config
    cfg = load_config(config, cfg_options)
    import_plugins(cfg)
    preflight.check_datasets(cfg, ['test_dataloader'])
    head, gen_cfg = head_with_anchors(cfg.model)
    generator = TASK_UTILS.build(gen_cfg)
    if pos_iou is None:
        pos_iou = positive_iou_of(cfg) or 0.5
    divisor = cfg.model.get('data_preprocessor', {}).get(
        'pad_size_divisor', 1) or 1
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    if not str(getattr(dataset, 'ann_file', '')).endswith('.json'):
        from custom_modules.errors import UserError
        raise UserError(
            f'{config}: anchor_coverage reads COCO-format (.json) '
            'annotations for the objects\' areas; this test split is '
            f"{type(dataset).__name__}. Use a COCO or shapes config")
    # The dataset parses its annotations but drops the COCO object (and the
    # area field COCOeval buckets by), so they are read once more here.
    coco = COCO(dataset.ann_file)
    best_all, pos_all, areas = [], [], []
    anchor_cache: Dict[Tuple[int, int], torch.Tensor] = {}
    n = len(dataset) if max_images is None else min(max_images, len(dataset))
    for i in range(n):
        info = dataset.get_data_info(i)
        sample = dataset[i]['data_samples']
        h, w = sample.metainfo['img_shape']
        padded = (math.ceil(h / divisor) * divisor,
                  math.ceil(w / divisor) * divisor)
        if padded not in anchor_cache:
            anchor_cache[padded] = torch.cat(generator.grid_priors(
                featmap_sizes(padded, generator.strides), device='cpu'))
        sx, sy = sample.metainfo['scale_factor']
        anns = coco.loadAnns(coco.getAnnIds(imgIds=[info['img_id']],
                                            iscrowd=False))
        gt = torch.tensor([[x * sx, y * sy, (x + bw) * sx, (y + bh) * sy]
                           for x, y, bw, bh in (a['bbox'] for a in anns)],
                          dtype=torch.float32).reshape(-1, 4)
        best, pos = match_stats(gt, anchor_cache[padded], pos_iou)
        best_all += best.tolist()
        pos_all += pos.tolist()
        areas += [a['area'] for a in anns]
    counts = sorted({len(a) for a in anchor_cache.values()})
    return dict(config=config, options=dict(cfg_options or {}), head=head, pos_iou=pos_iou,
                input_shapes=sorted(anchor_cache), anchors=counts,
                images=n, rows=summarise(best_all, pos_all, areas, pos_iou))


def render_markdown(results: List[dict], env: Dict[str, str],
                    command: str) -> str:
    from custom_modules.reporting import machine_table, markdown_table
    lines = ['# Anchor coverage', '',
             f'Produced by `{command}`: every val object after the '
             "config's test pipeline, against the anchors of its "
             'anchor-matched head on the padded input '
             '(custom_modules/analysis/anchor_coverage.py says why these two '
             'numbers matter). "reached": share of objects whose best anchor '
             'has IoU >= the assigner\'s positive threshold; "positives": '
             'anchors at or above it per object, the number of training '
             'targets each object gives per image. Sizes are COCO\'s area '
             'buckets.', '', *machine_table(env), '']
    table = []
    for r in results:
        name = r['config'].rsplit('/', 1)[-1].rsplit('.', 1)[0] + ''.join(
            f" {k.rsplit('.', 1)[-1]}={v}" for k, v in r['options'].items())
        anchors = '/'.join(str(a) for a in r['anchors'])
        for row in r['rows']:
            if not row['objects']:
                continue
            table.append([
                name, r['head'], anchors, f"{r['pos_iou']:g}", row['size'],
                row['objects'], f"{100 * row['reached']:.1f}%",
                f"{row['mean_positives']:.2f}",
                f"{row['median_positives']:g}",
                f"{100 * row['no_positive']:.1f}%",
                f"{row['mean_best_iou']:.3f}"])
    lines += markdown_table(
        ['config', 'head', 'anchors', 'pos IoU', 'size', 'objects', 'reached',
         'positives (mean)', 'positives (median)', 'no positive',
         'mean best IoU'], table)
    return '\n'.join(lines) + '\n'
