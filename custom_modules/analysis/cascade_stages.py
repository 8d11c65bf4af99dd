"""Inside Cascade R-CNN: what each stage does to the proposals, measured.

Cascade R-CNN (Cai and Vasconcelos, CVPR 2018) chains three box heads, each
trained on the boxes the previous one produced and with a stricter idea of
a positive: IoU 0.5, 0.6, 0.7. Its argument has two halves:

* a regressor trained at IoU threshold u improves boxes whose IoU is near u
  most, so one head cannot be good at every quality level; and
* a stage's output boxes have a higher IoU distribution than its input, so
  the next stage, trained at a higher threshold, still finds enough
  positives (a single head trained at 0.7 on raw proposals would starve).

Both halves can be checked on a trained model by running its own stages
(``roi_head._bbox_forward`` and each stage's ``regress_by_class``, exactly
as ``CascadeRoIHead`` refines at test time) and measuring after each step:

* **the IoU distribution each stage sees**: of all the RPN's test-time
  proposals, the share whose best IoU with an object reaches 0.5, 0.6, 0.7
  (and 0.9), at the input of stage 1 and after each stage. The paper's claim
  is that these shares rise from step to step;
* **boxes followed**: the proposals at IoU >= 0.5 with an object, each
  scored against that object after every stage, by object size;
* **each object's first choice**: among those proposals, the one with the
  highest final score for the object's class (scores averaged over stages,
  as mmdet's cascade predicts): the box that ranks first in AP.
"""
from typing import Dict, List, Optional, Sequence

import torch

from custom_modules.analysis.box_steps import (aligned_iou, draw_panels,
                                               gt_area, stats_per_image,
                                               gt_in_input_pixels, iou_matrix,
                                               merge, step_rows, step_table)

IOU_LEVELS = (0.5, 0.6, 0.7, 0.9)


def steps_of(num_stages: int):
    """``[(key, label)]``: the proposals, then one entry per stage."""
    return [('proposal', 'RPN proposal')] + [
        (f'stage{t}', f'after stage {t}') for t in range(1, num_stages + 1)]


def stage_boxes(model, batch) -> List[Dict]:
    """Run the detector's RPN and its stages on one batch. Per image: the
    boxes after each step (``(P, 4)`` each, the same P proposals, input
    pixels, clipped as the stages clip them), the final class
    probabilities ``(P, C)``, and the ground truth in input pixels."""
    from mmdet.structures.bbox import bbox2roi, get_box_tensor
    roi_head = model.roi_head
    data = model.data_preprocessor(batch, training=False)
    samples = data['data_samples']
    metas = [s.metainfo for s in samples]
    with torch.no_grad():
        x = model.extract_feat(data['inputs'])
        proposals = [r.bboxes for r in model.rpn_head.predict(
            x, samples, rescale=False)]
        per_image = tuple(len(p) for p in proposals)
        steps, logits = [proposals], []
        for stage in range(roi_head.num_stages):
            out = roi_head._bbox_forward(stage, x, bbox2roi(steps[-1]))
            cls = out['cls_score'].split(per_image)
            preds = out['bbox_pred'].split(per_image)
            logits.append(cls)
            head = roi_head.bbox_head[stage]
            # What CascadeRoIHead._refine_roi does between stages, applied
            # after the last stage too (its predict_by_feat decodes the last
            # stage's offsets the same way, class-agnostically).
            steps.append([
                get_box_tensor(head.regress_by_class(
                    steps[-1][i], cls[i][:, :-1].argmax(dim=1), preds[i],
                    metas[i])) for i in range(len(metas))])
    results = []
    for i, sample in enumerate(samples):
        mean_logits = sum(stage[i] for stage in logits) / len(logits)
        results.append(dict(
            steps=[s[i].float().cpu() for s in steps],
            class_probability=mean_logits.softmax(dim=-1)[:, :-1].cpu(),
            gt=gt_in_input_pixels(sample),
            labels=sample.gt_instances.labels.cpu(),
            scale=sample.metainfo['scale_factor'],
            img_path=sample.metainfo.get('img_path'),
            img_shape=sample.metainfo['img_shape']))
    return results


def image_stats(steps: Sequence[torch.Tensor], keys: Sequence[str],
                gt: torch.Tensor, gt_area: torch.Tensor,
                class_probability: torch.Tensor, labels: torch.Tensor,
                pos_iou: float = 0.5) -> Dict[str, list]:
    """Per-image lists (see the module docstring): ``all_<key>`` the best
    IoU of every proposal with any object after each step (``all_area`` the
    area of the object it overlaps most as a proposal); ``iou_<key>`` / ``pos_area`` the proposals at
    IoU >= ``pos_iou`` with an object, against that object; ``top_iou_<key>``
    / ``top_area`` each object's first choice."""
    out: Dict[str, list] = {k: [] for k in (
        'all_area', 'pos_area', 'top_area',
        *(f'{p}{k}' for p in ('all_', 'iou_', 'top_iou_') for k in keys))}
    if len(gt) == 0:
        return out
    for key, boxes in zip(keys, steps):
        out[f'all_{key}'] = iou_matrix(gt, boxes).max(dim=0).values.tolist()
    # Which proposals are followed, and for which object (whose size buckets
    # them), is decided once, on the proposals.
    best, owner = iou_matrix(gt, steps[0]).max(dim=0)
    out['all_area'] = gt_area[owner].tolist()
    followed = torch.nonzero(best >= pos_iou)[:, 0]
    out['pos_area'] = gt_area[owner[followed]].tolist()
    for key, boxes in zip(keys, steps):
        out[f'iou_{key}'] = aligned_iou(boxes[followed],
                                        gt[owner[followed]]).tolist()
    for g in range(len(gt)):
        mine = followed[owner[followed] == g]
        if len(mine) == 0:
            continue
        n = int(mine[class_probability[mine, int(labels[g])].argmax()])
        out['top_area'].append(float(gt_area[g]))
        for key, boxes in zip(keys, steps):
            out[f'top_iou_{key}'].append(
                float(aligned_iou(boxes[n:n + 1], gt[g:g + 1])[0]))
    return out


def summarise(stats: Dict[str, list], keys_labels) -> Dict:
    return dict(
        proposals=len(stats[f'all_{keys_labels[0][0]}']),
        followed=len(stats[f'iou_{keys_labels[0][0]}']),
        distribution=step_rows(stats, 'all_', stats['all_area'],
                               keys_labels, IOU_LEVELS),
        followed_rows=step_rows(stats, 'iou_', stats['pos_area'],
                                keys_labels, IOU_LEVELS),
        first_choices=step_rows(stats, 'top_iou_', stats['top_area'],
                                keys_labels, IOU_LEVELS))


def build(config: str, checkpoint: Optional[str],
          cfg_options: Optional[dict] = None):
    """The model (trained weights if ``checkpoint``, else its init) in eval
    mode and the config's val dataloader; a model without a cascade RoI head
    is refused in one line."""
    from custom_modules.analysis.trained_model import load_for_analysis

    def check(cfg):
        from custom_modules.errors import UserError
        roi_head = cfg.model.get('roi_head', {})
        if 'num_stages' not in roi_head:
            raise UserError(
                f'{config}: cascade_stages follows the boxes through the '
                'stages of a cascade RoI head; this model has '
                f"{roi_head.get('type', 'none')}. Give a Cascade R-CNN "
                'config, e.g. configs/cascade_rcnn_r50_fpn.py')
    return load_for_analysis(config, checkpoint, cfg_options, check)


def measure(model, loader, max_images: Optional[int] = None,
            keep_image: int = 0):
    """The summary over the val split, and the stage outputs of val image
    number ``keep_image`` (for the picture)."""
    steps = steps_of(model.roi_head.num_stages)
    keys = [k for k, _ in steps]
    stats, kept = stats_per_image(
        loader, lambda batch: stage_boxes(model, batch),
        lambda out: image_stats(out['steps'], keys, out['gt'], gt_area(out),
                                out['class_probability'], out['labels']),
        max_images, keep_image)
    summary = summarise(merge(stats), steps)
    summary['images'] = len(stats)
    return summary, kept


def draw(out: Dict, path: str, pos_iou: float = 0.5) -> str:
    """One panel per step: the proposals of one image that start at IoU >=
    ``pos_iou`` with an object, as proposals and after each stage."""
    best = iou_matrix(out['gt'], out['steps'][0]).max(dim=0).values \
        if len(out['gt']) else torch.zeros(len(out['steps'][0]))
    followed = best >= pos_iou
    labels = [label for _, label in steps_of(len(out['steps']) - 1)]
    return draw_panels(out['img_path'], out['img_shape'], out['gt'],
                       [(label, boxes[followed])
                        for label, boxes in zip(labels, out['steps'])], path)


def render_markdown(summary: Dict, env: Dict[str, str], cmd: str,
                    title: str, image: Optional[str] = None) -> str:
    from custom_modules.reporting import machine_table
    s = summary
    lines = [f'# Inside the cascade: {title}', '',
             f'Produced by `{cmd}` on {s["images"]} val images '
             '(custom_modules/analysis/cascade_stages.py says what each '
             'number means). Rerun it to reproduce.', '']
    lines += machine_table(env)
    lines += ['', f'## What each stage sees: all {s["proposals"]} proposals, '
              'best IoU with any object', '']
    lines += step_table(s['distribution'], IOU_LEVELS)
    lines += ['', f'## The {s["followed"]} proposals at IoU >= 0.5 with an '
              'object, followed against that object', '']
    lines += step_table(s['followed_rows'], IOU_LEVELS)
    if s['first_choices'] and s['first_choices'][0]['boxes']:
        lines += ['', '## Each object\'s first choice: its proposal with the '
                  'highest final score for its class '
                  f'({s["first_choices"][0]["boxes"]} objects)', '']
        lines += step_table(s['first_choices'], IOU_LEVELS)
    if image:
        lines += ['', f'![the stages on one val image]({image})']
    return '\n'.join(lines) + '\n'
