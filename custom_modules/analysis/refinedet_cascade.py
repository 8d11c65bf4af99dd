"""Inside RefineDet's cascade: what each step does to the boxes, measured.

RefineDet's claim is that two regressions beat one. The ARM moves the tiled
anchors towards the objects and says which anchors are plainly background;
the ODM starts from the moved anchors, classifies them, and regresses once
more. A trained model can be asked, anchor by anchor, whether that is what
happens:

* **Box quality along the cascade.** Take the anchors that the ARM trains as
  positives (IoU >= 0.5 with an object on the tiled anchor, plus each
  object's best anchor) and follow each one through the steps: its IoU with
  its object as a tiled anchor, as an ARM-refined anchor, and as the ODM's
  final box. If the cascade works, IoU rises at each step and the share of
  boxes at IoU >= 0.7 and 0.9 (the part of COCO's AP that AP50 ignores)
  rises most.
* **Positives for the ODM.** The ODM matches its targets on the *refined*
  anchors with the same 0.5 rule. An ARM that has learned anything turns
  near misses into matches, so each object gets more ODM positives than it
  had ARM positives: more targets per image, the quantity that decides how
  fast a detector learns from scratch (custom_modules/analysis/
  anchor_coverage.py).
* **Negative anchor filtering.** Anchors whose ARM background probability
  reaches the threshold (0.99) never reach the ODM. The filter is meant to
  remove easy background and nothing else: the share of background anchors
  it removes should be large, the share of positive anchors small, and an
  object all of whose anchors are removed is an object the detector cannot
  find whatever the ODM learned.

The numbers come from the model's own modules (``RefineDetHead.forward``,
``refine_anchors`` and the shared box coder), on the config's test pipeline,
so they describe the model that ``tools/test.py`` evaluates.
"""
from typing import Dict, List, Optional

import torch

from custom_modules.analysis.box_steps import (SIZES, aligned_iou, gt_area,
                                               stats_per_image,
                                               gt_in_input_pixels, iou_matrix,
                                               merge, pct, size_of, step_rows,
                                               step_table, draw_panels)

# The steps, in order: (key, label in the report).
STEPS = (('anchor', 'tiled anchor'), ('arm', 'after the ARM'),
         ('odm', 'after the ODM'))
IOU_LEVELS = (0.5, 0.7, 0.9)


def arm_positives(anchors: torch.Tensor, gt: torch.Tensor,
                  pos_iou: float = 0.5):
    """The ARM's matching rule: each anchor takes the object it overlaps
    most if that IoU reaches ``pos_iou``, and each object also takes its
    best anchor (SSD's rule, so that no object is left without one).

    Returns:
        tuple[Tensor, Tensor]: indices of the positive anchors and, for
        each, the index of its object.
    """
    if len(gt) == 0:
        empty = torch.zeros(0, dtype=torch.long)
        return empty, empty
    iou = iou_matrix(gt, anchors)       # (objects, anchors)
    best_iou, assigned = iou.max(dim=0)
    assigned = torch.where(best_iou >= pos_iou, assigned,
                           torch.full_like(assigned, -1))
    # The forced match wins over a threshold match to another object.
    assigned[iou.argmax(dim=1)] = torch.arange(len(gt))
    positive = torch.nonzero(assigned >= 0)[:, 0]
    return positive, assigned[positive]


def image_stats(anchors: torch.Tensor, refined: torch.Tensor,
                final: torch.Tensor, background_probability: torch.Tensor,
                gt: torch.Tensor, gt_area: torch.Tensor,
                negative_anchor_thr: float = 0.99,
                pos_iou: float = 0.5,
                class_probability: Optional[torch.Tensor] = None,
                labels: Optional[torch.Tensor] = None) -> Dict[str, list]:
    """Per-anchor and per-object measurements of one image.

    Args:
        anchors, refined, final: ``(N, 4)`` the tiled anchors, the
            ARM-refined anchors and the ODM's boxes decoded from them, all in
            the network's input pixels.
        background_probability: ``(N,)`` the ARM's background probability.
        gt: ``(M, 4)`` objects in the same pixels; ``gt_area`` their COCO
            areas (original image pixels) for the size buckets.
        class_probability, labels: optional ``(N, C)`` ODM class
            probabilities and the objects' ``(M,)`` labels. With them, each
            object's *first choice* is followed too: among its ODM positives
            (surviving refined anchors whose best object it is, at IoU >=
            ``pos_iou``), the one the ODM scores highest for its class --
            the box that ranks first in the AP computation.

    Returns:
        dict of lists: for every ARM positive its object's area and its IoU
        at each step (``iou_anchor``, ``iou_arm``, ``iou_odm``) and whether
        the filter removed it (``pos_filtered``); the same IoUs for each
        object's first choice (``top_iou_*``, ``top_area``); per object the
        number of ARM positives, of ODM positives (refined anchors at IoU >=
        ``pos_iou`` with it that survive the filter), and whether the
        filter removed every one of its ARM positives (``object_lost``);
        and the image's counts of background anchors and of those filtered.
    """
    positive, owner = arm_positives(anchors, gt, pos_iou)
    filtered = background_probability >= negative_anchor_thr
    out = dict(pos_area=gt_area[owner].tolist(),
               iou_anchor=aligned_iou(anchors[positive], gt[owner]).tolist(),
               iou_arm=aligned_iou(refined[positive], gt[owner]).tolist(),
               iou_odm=aligned_iou(final[positive], gt[owner]).tolist(),
               pos_filtered=filtered[positive].tolist())
    is_positive = torch.zeros(len(anchors), dtype=torch.bool)
    is_positive[positive] = True
    out['background'] = [int((~is_positive).sum())]
    out['background_filtered'] = [int((filtered & ~is_positive).sum())]
    out['kept'] = [int((~filtered).sum())]
    out['obj_area'] = gt_area.tolist()
    out['arm_positives'] = torch.bincount(owner, minlength=len(gt)).tolist()
    # The ODM's positives are counted without the forced best-anchor rule,
    # which would give every object a match even from a useless ARM.
    survivors = refined[~filtered]
    out['odm_positives'] = (iou_matrix(gt, survivors) >= pos_iou
                            ).sum(dim=1).tolist()
    lost = torch.ones(len(gt), dtype=torch.bool)
    lost[owner[~filtered[positive]]] = False
    out['object_lost'] = lost.tolist()
    if class_probability is not None:
        out.update(first_choices(anchors, refined, final, ~filtered, gt,
                                 gt_area, class_probability, labels,
                                 pos_iou))
    return out


def first_choices(anchors, refined, final, survives, gt, gt_area,
                  class_probability, labels, pos_iou=0.5) -> Dict[str, list]:
    """Each object's highest-scoring ODM positive, at every step (see
    :func:`image_stats`). Objects without an ODM positive have none."""
    out = dict(top_area=[], top_iou_anchor=[], top_iou_arm=[],
               top_iou_odm=[])
    if len(gt) == 0 or not bool(survives.any()):
        return out
    iou = iou_matrix(gt, refined)       # (objects, anchors)
    best_iou, best_obj = iou.max(dim=0)
    for g in range(len(gt)):
        mine = survives & (best_obj == g) & (best_iou >= pos_iou)
        if not bool(mine.any()):
            continue
        score = class_probability[:, int(labels[g])].masked_fill(~mine, -1)
        n = int(score.argmax())
        out['top_area'].append(float(gt_area[g]))
        for key, boxes in (('anchor', anchors), ('arm', refined),
                           ('odm', final)):
            out[f'top_iou_{key}'].append(
                float(aligned_iou(boxes[n:n + 1], gt[g:g + 1])[0]))
    return out


def summarise(stats: Dict[str, list]) -> Dict:
    """The report's numbers from merged :func:`image_stats` lists."""
    n_pos = len(stats['iou_anchor'])
    steps = step_rows(stats, 'iou_', stats['pos_area'], STEPS, IOU_LEVELS)
    first = (step_rows(stats, 'top_iou_', stats['top_area'], STEPS,
                       IOU_LEVELS)
             if stats.get('top_area') else [])
    objects = []
    for size, _, _ in (*SIZES, ('all', 0, 0)):
        idx = [i for i, a in enumerate(stats['obj_area'])
               if size == 'all' or size_of(a) == size]
        if not idx:
            objects.append(dict(size=size, objects=0))
            continue
        objects.append(dict(
            size=size, objects=len(idx),
            arm_positives=sum(stats['arm_positives'][i] for i in idx)
            / len(idx),
            odm_positives=sum(stats['odm_positives'][i] for i in idx)
            / len(idx),
            no_odm_positive=sum(stats['odm_positives'][i] == 0 for i in idx)
            / len(idx),
            lost=sum(stats['object_lost'][i] for i in idx) / len(idx)))
    background = sum(stats['background'])
    return dict(
        positives=n_pos, steps=steps, first_choices=first, objects=objects,
        images=len(stats['kept']),
        kept_per_image=sum(stats['kept']) / max(len(stats['kept']), 1),
        background_filtered=(sum(stats['background_filtered']) / background
                             if background else float('nan')),
        positives_filtered=(sum(stats['pos_filtered']) / n_pos
                            if n_pos else float('nan')))


def cascade_outputs(model, batch) -> List[Dict[str, torch.Tensor]]:
    """Run the model's own modules on one batch and return, per image, the
    tiled anchors, refined anchors, ODM boxes (all unclipped, input pixels),
    the ARM background probability, the ODM class probabilities, and the
    ground truth scaled into the input pixels."""
    head = model.bbox_head
    data = model.data_preprocessor(batch, training=False)
    with torch.no_grad():
        outs = head(model.extract_feat(data['inputs']))
        sizes = [level.shape[-2:] for level in outs[0]]
        anchors = head.anchors(sizes, outs[0][0].device)
        arm_obj, arm_off, odm_scores, odm_off = head.flatten_outputs(*outs)
        # Background is the ODM's last score, as in predict_by_feat.
        class_probability = odm_scores.softmax(dim=-1)[..., :-1]
        refined = head.refine_anchors(anchors, arm_off)
        final = head.bbox_coder.decode(
            refined.reshape(-1, 4), odm_off.reshape(-1, 4)).view_as(refined)
        background = head.arm_background_probability(arm_obj)
    results = []
    for i, sample in enumerate(data['data_samples']):
        sx, sy = sample.metainfo['scale_factor']
        results.append(dict(anchors=anchors.cpu(), refined=refined[i].cpu(),
                            final=final[i].cpu(),
                            background=background[i].float().cpu(),
                            class_probability=class_probability[i].cpu(),
                            gt=gt_in_input_pixels(sample),
                            labels=sample.gt_instances.labels.cpu(),
                            img_path=sample.metainfo.get('img_path'),
                            img_shape=sample.metainfo['img_shape'],
                            scale=(sx, sy)))
    return results


def build(config: str, checkpoint: Optional[str],
          cfg_options: Optional[dict] = None):
    """The model (trained weights if ``checkpoint``, else its init) in eval
    mode and the config's val dataloader. A config whose head is not a
    RefineDetHead is refused in one line."""
    from custom_modules.analysis.trained_model import load_for_analysis

    def check(cfg):
        from custom_modules.errors import UserError
        head_type = cfg.model.get('bbox_head', {}).get('type')
        if head_type != 'RefineDetHead':
            raise UserError(
                f'{config}: refinedet_cascade follows the ARM -> ODM cascade '
                f"of a RefineDetHead; this model's head is {head_type}. Give "
                'a RefineDet config, e.g. configs/refinedet320.py')
    return load_for_analysis(config, checkpoint, cfg_options, check)


def measure(model, loader, max_images: Optional[int] = None,
            keep_image: int = 0):
    """Stats over the val split, and the cascade outputs of val image
    number ``keep_image`` (for the picture)."""
    head = model.bbox_head
    stats, kept = stats_per_image(
        loader, lambda batch: cascade_outputs(model, batch),
        lambda out: image_stats(
            out['anchors'], out['refined'], out['final'], out['background'],
            out['gt'], gt_area(out), head.negative_anchor_thr,
            class_probability=out['class_probability'],
            labels=out['labels']),
        max_images, keep_image)
    return summarise(merge(stats)), kept


def render_markdown(summary: Dict, env: Dict[str, str], cmd: str,
                    title: str, image: Optional[str] = None) -> str:
    from custom_modules.reporting import machine_table, markdown_table

    s = summary
    lines = [f'# Inside the cascade: {title}', '',
             f'Produced by `{cmd}` on {s["images"]} val images '
             '(custom_modules/analysis/refinedet_cascade.py says what each '
             'number means). Rerun it to reproduce.', '']
    lines += machine_table(env)
    lines += ['', f'## All {s["positives"]} positive anchors of the ARM, '
              'followed through the cascade', '']
    lines += step_table(s['steps'], IOU_LEVELS)
    if s['first_choices']:
        lines += ['', '## Each object\'s first choice: its ODM positive '
                  f'with the highest score for its class '
                  f'({s["first_choices"][0]["boxes"]} objects)', '']
        lines += step_table(s['first_choices'], IOU_LEVELS)
    lines += ['', '## Positives per object: ARM (tiled anchors) and ODM '
              '(refined anchors that survive the filter)', '']
    lines += markdown_table(
        ['size', 'objects', 'ARM positives', 'ODM positives',
         '% with no ODM positive', '% lost to the filter'],
        [[r['size'], 0, '–', '–', '–', '–'] if not r['objects'] else
         [r['size'], r['objects'], f"{r['arm_positives']:.2f}",
          f"{r['odm_positives']:.2f}", pct(r['no_odm_positive']),
          pct(r['lost'])] for r in s['objects']])
    lines += ['', '## Negative anchor filtering', '',
              *markdown_table(
                  ['anchors kept per image', '% of background anchors removed',
                   '% of ARM positives removed'],
                  [[f"{s['kept_per_image']:.0f}",
                    pct(s['background_filtered']),
                    pct(s['positives_filtered'])]])]
    if image:
        lines += ['', f'![the cascade on one val image]({image})']
    return '\n'.join(lines) + '\n'


def draw(out: Dict[str, torch.Tensor], path: str,
         negative_anchor_thr: float = 0.99) -> str:
    """Four panels on one image, in the network's input pixels: the ARM's
    positive anchors, the same anchors after the ARM, the ODM's boxes from
    them, and the centres of the anchors that survive the filter."""
    positive, _ = arm_positives(out['anchors'], out['gt'])
    kept = out['background'] < negative_anchor_thr
    centres = (out['anchors'][kept, :2] + out['anchors'][kept, 2:]) / 2
    return draw_panels(
        out['img_path'], out['img_shape'], out['gt'],
        [('tiled anchors (ARM positives)', out['anchors'][positive]),
         ('after the ARM', out['refined'][positive]),
         ('after the ODM', out['final'][positive]),
         (f'{int(kept.sum())} of {len(kept)} anchors kept by the filter',
          centres)], path)
