"""One image through any detector, stage by stage, with every shape and count.

A detector is a pipeline of a few ideas, and each idea leaves a trace that
can be looked at: a tensor with a shape, a set of boxes with a count. This
module runs the model's *own* modules on one image -- the calls its
``loss`` and ``predict`` make, in their order -- and records at each step
what came out:

1. **Input.** The image after the test pipeline and the data preprocessor:
   resized, normalised, padded to the size divisor. What the network sees
   is not the photo; its pixels are the coordinates every later box is in.
2. **Feature maps.** The backbone's maps and the neck's (FPN, SSD's extra
   layers, RefineDet's TCB), one per level, each with its stride. The heat
   map is the mean squared activation over channels: where the network
   spends its energy. Fine levels see small things, coarse levels large.
3. **Anchors** (SSD: default boxes). Boxes tiled over every cell of every
   level; their number is fixed by the input size and the config, not by
   the image. A few are drawn at true size at the image centre.
4. **Positives.** The assigner's verdict for *this* image's ground truth:
   which anchors the loss trains as objects. This is where most detector
   design happens (IoU thresholds, forced best matches).
5. **The family's own step** -- what makes the detector what it is:
   RetinaNet's per-level class maps and focal weights (1 - p_t)^gamma; SSD's
   hard negatives; the RPN's proposals before and after NMS and the RoIs
   sampled for the second stage; each Cascade R-CNN stage's boxes;
   RefineDet's ARM filter, refined anchors and ODM boxes; Mask R-CNN's
   28x28 mask logits.
6. **Detections.** What ``predict`` returns, drawn above a score threshold.

With no checkpoint the model has its seeded initial weights: every shape and
count is still the real one (they depend on the architecture and the
config), but boxes and scores mean nothing, and the page says so.

The two cascade analyses (``cascade_stages``, ``refinedet_cascade``) supply
the cascade steps here, so there is one implementation of each.
"""
import io
import json
import os
import os.path as osp
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch

LEVEL_COLOURS = ('#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4',
                 '#42d4f4', '#f032e6')


@dataclass
class Step:
    """One section of the page: what happened, with its numbers and
    pictures (``figures``: (file name, caption, PNG bytes))."""
    key: str
    title: str
    why: str
    rows: List[Tuple[str, str]] = field(default_factory=list)
    table: Optional[Tuple[List[str], List[List[str]]]] = None
    figures: List[Tuple[str, str, bytes]] = field(default_factory=list)
    counts: Dict = field(default_factory=dict)


def family_of(model) -> str:
    """Which walkthrough steps apply: 'refinedet', 'ssd', 'retinanet',
    'cascade', 'two_stage' (Faster/Mask R-CNN) or 'one_stage'."""
    from mmdet.models.dense_heads import RetinaHead, SSDHead
    from custom_modules.models.detectors.refinedet import RefineDet
    if isinstance(model, RefineDet):
        return 'refinedet'
    if hasattr(model, 'roi_head'):
        return ('cascade' if hasattr(model.roi_head, 'num_stages')
                else 'two_stage')
    head = model.bbox_head
    if isinstance(head, SSDHead):
        return 'ssd'
    if isinstance(head, RetinaHead):
        return 'retinanet'
    return 'one_stage'


# ----------------------------------------------------------------- loading

def load_image(cfg, image: Optional[str], index: int):
    """One test sample: val image number ``index`` (with its ground truth),
    or the file ``image`` through the config's test pipeline (no ground
    truth, so no positives are shown)."""
    from mmengine.dataset import Compose
    from mmdet.registry import DATASETS, TRANSFORMS

    from custom_modules.apis import preflight
    from custom_modules.errors import UserError
    if image is not None:
        if not osp.isfile(image):
            raise UserError(f'{image}: no such image file; give a path to a '
                            'JPEG or PNG, or --index N for a val image')
        steps = [t for t in cfg.test_dataloader.dataset.pipeline
                 if t['type'] != 'LoadAnnotations']
        pipeline = Compose([TRANSFORMS.build(t) for t in steps])
        data = pipeline(dict(img_path=image, img_id=0))
        if data is None:
            raise UserError(f'{image}: cannot be read as an image')
        return data
    preflight.check_datasets(cfg, ['val_dataloader'])
    dataset = DATASETS.build(cfg.val_dataloader.dataset)
    if not 0 <= index < len(dataset):
        raise UserError(f'--index {index}: the val split has {len(dataset)} '
                        f'images; give 0..{len(dataset) - 1}')
    return dataset[index]


def class_names(cfg) -> Sequence[str]:
    from mmdet.registry import DATASETS
    dataset = cfg.val_dataloader.dataset
    classes = dataset.get('metainfo', {}).get('classes')
    if classes:
        return tuple(classes)
    return tuple(DATASETS.get(dataset['type']).METAINFO['classes'])


# ----------------------------------------------------------------- drawing

def _figure(ncols: int, nrows: int = 1, size: float = 4.2):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(nrows, ncols, squeeze=False,
                             figsize=(size * ncols, size * nrows + 0.4))
    return plt, fig, axes


def _png(plt, fig) -> bytes:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format='png', dpi=80)
    plt.close(fig)
    return buf.getvalue()


def _show(ax, image: np.ndarray, title: str = ''):
    ax.imshow(image)
    ax.set_xlim(0, image.shape[1])
    ax.set_ylim(image.shape[0], 0)
    ax.set_title(title, fontsize=9)
    ax.axis('off')


def _boxes(ax, boxes, colour, lw=1.0, labels=None):
    import matplotlib.pyplot as plt
    boxes = torch.as_tensor(boxes).reshape(-1, 4).tolist()
    for i, (x1, y1, x2, y2) in enumerate(boxes):
        ax.add_patch(plt.Rectangle((x1, y1), x2 - x1, y2 - y1, fill=False,
                                   color=colour, lw=lw))
        if labels is not None:
            ax.text(x1, y1, labels[i], color='white', fontsize=7,
                    va='bottom', bbox=dict(facecolor=colour, pad=1, lw=0))


def boxes_figure(image: np.ndarray, gt: torch.Tensor,
                 panels: Sequence[Tuple[str, torch.Tensor, str]]) -> bytes:
    """One panel per ``(title, boxes, colour)`` over the input image, the
    ground truth in green."""
    plt, fig, axes = _figure(len(panels))
    for ax, (title, boxes, colour) in zip(axes[0], panels):
        _show(ax, image, title)
        _boxes(ax, gt, 'lime', 1.5)
        _boxes(ax, boxes, colour, 0.8)
    return _png(plt, fig)


def _file_png(draw, *args) -> bytes:
    """Bytes of a PNG that ``draw(*args, path)`` writes (the cascade
    analyses' own pictures)."""
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        path = osp.join(tmp, 'figure.png')
        draw(*args, path)
        with open(path, 'rb') as f:
            return f.read()


def _n(v) -> str:
    return f'{v:,}'


# ------------------------------------------------------------------- steps

def step_input(model, data, image: np.ndarray) -> Step:
    sample = data['data_samples'][0]
    meta = sample.metainfo
    x = data['inputs']
    pre = model.data_preprocessor
    plt, fig, axes = _figure(1, size=4)
    _show(axes[0][0], image, f'input {tuple(x.shape)}')
    rows = [('file', osp.basename(meta.get('img_path') or '?')),
            ('original size (h, w)', str(tuple(meta['ori_shape']))),
            ('after the resize (h, w)', str(tuple(meta['img_shape']))),
            ('scale factor (x, y)',
             str(tuple(round(float(s), 4) for s in meta['scale_factor']))),
            ('padded batch (h, w)', str(tuple(x.shape[-2:]))),
            ('network input', f'{tuple(x.shape)} {x.dtype}'),
            ('normalised by', 'mean ' + str([round(float(m), 2) for m in
                                             pre.mean.flatten()]) +
             ', std ' + str([round(float(s), 2) for s in pre.std.flatten()])),
            ('value range', f'{float(x.min()):.2f} .. {float(x.max()):.2f}')]
    return Step('input', 'Input after preprocessing',
                'The test pipeline resizes the image (keeping its aspect '
                'ratio where the config says so), the data preprocessor '
                'normalises each channel and pads the batch to the size '
                'divisor. Every box below is in these input pixels.',
                rows=rows, figures=[('input.png', 'what the network sees '
                                     '(normalisation undone for display)',
                                     _png(plt, fig))],
                counts=dict(input_shape=list(x.shape)))


def feature_levels(model, inputs) -> List[Tuple[str, Sequence[torch.Tensor]]]:
    """``[(module name, maps per level)]``: backbone, then neck."""
    if family_of(model) == 'refinedet':
        source, transferred = model.extract_feat(inputs)
        return [('backbone source maps (the ARM reads these)', source),
                ('TCB maps (the ODM reads these)', transferred)]
    maps = [(f'backbone ({type(model.backbone).__name__})',
             model.backbone(inputs))]
    if model.with_neck:
        maps.append((f'neck ({type(model.neck).__name__})',
                     model.neck(maps[0][1])))
    return maps


def step_features(levels, input_hw) -> Step:
    ncols = max(len(m) for _, m in levels)
    plt, fig, axes = _figure(ncols, len(levels), size=2.4)
    table = []
    for r, (name, maps) in enumerate(levels):
        for c in range(ncols):
            ax = axes[r][c]
            ax.axis('off')
            if c >= len(maps):
                continue
            f = maps[c][0].float()
            energy = f.pow(2).mean(dim=0)
            stride = input_hw[0] / f.shape[-2]  # SSD's are not powers of 2
            ax.imshow(energy.numpy(), cmap='inferno')
            ax.set_title(f'{name.split(" ")[0]} {c}: {f.shape[0]}x'
                         f'{f.shape[1]}x{f.shape[2]}, /{stride:.3g}',
                         fontsize=8)
            table.append([name, str(c), str(tuple(maps[c].shape)),
                          f'{stride:.3g}', f'{float(energy.mean()):.3g}'])
    return Step('features', 'Feature maps per level',
                'Each level is the image seen at one stride: a cell of a '
                'stride-8 map covers 8x8 input pixels. The backbone computes '
                'them bottom-up; the neck mixes levels so that each has both '
                'fine localisation and deep semantics. The heat map is the '
                'mean squared activation over channels.',
                table=(['module', 'level', 'shape (n, c, h, w)',
                        'input px per cell',
                        'mean energy'], table),
                figures=[('features.png', 'channel energy per level, '
                          'each level on its own scale', _png(plt, fig))],
                counts=dict(levels={name: [list(m.shape) for m in maps]
                                    for name, maps in levels}))


def anchor_head(model):
    """The head whose anchors are tiled: the RPN of two-stage models."""
    return model.rpn_head if hasattr(model, 'rpn_head') else model.bbox_head


def step_anchors(model, sizes, image: np.ndarray, family: str
                 ) -> Tuple[Step, List[torch.Tensor]]:
    gen = anchor_head(model).prior_generator
    priors = gen.grid_priors(sizes, device='cpu')
    per_cell = list(gen.num_base_priors)
    h, w = image.shape[:2]
    plt, fig, axes = _figure(1, size=4)
    _show(axes[0][0], image, 'anchors of the centre cell, per level')
    table = []
    for lvl, (p, (fh, fw), a) in enumerate(zip(priors, sizes, per_cell)):
        stride = gen.strides[lvl]
        sx = stride[0] if isinstance(stride, (tuple, list)) else stride
        cy, cx = min(int(h / 2 / sx), fh - 1), min(int(w / 2 / sx), fw - 1)
        first = (cy * fw + cx) * a  # grid_priors orders cells, then anchors
        _boxes(axes[0][0], p[first:first + a], LEVEL_COLOURS[lvl % 7], 1.2)
        wh = p[first:first + a, 2:] - p[first:first + a, :2]
        table.append([str(lvl), f'{sx:g}', f'{fh}x{fw}', str(a),
                      _n(len(p)), ', '.join(f'{int(x)}x{int(y)}'
                                            for x, y in wh.tolist())])
    total = sum(len(p) for p in priors)
    name = 'default boxes' if family in ('ssd', 'refinedet') else 'anchors'
    return Step('anchors', f'{name.capitalize()}: {_n(total)} per image',
                'Every cell of every level carries the same few boxes of '
                'fixed scales and aspect ratios. The head predicts, for each '
                'of them, class scores and four offsets: detection becomes '
                'classification of a fixed set of boxes. Their number '
                'depends only on the input size and the config.',
                table=(['level', 'stride', 'cells (h x w)', 'per cell',
                        name, 'sizes at the centre cell (w x h)'], table),
                figures=[('anchors.png', 'one colour per level, at true '
                          'size', _png(plt, fig))],
                counts=dict(anchors=total,
                            per_level=[len(p) for p in priors],
                            per_cell=per_cell)), priors


def assign(model, priors: torch.Tensor, gt: torch.Tensor,
           labels: torch.Tensor, family: str) -> torch.Tensor:
    """Per anchor: the index of its object (>= 0), -1 background, -2
    ignored (between the assigner's thresholds)."""
    from mmengine.structures import InstanceData
    if family == 'refinedet':
        from custom_modules.analysis.refinedet_cascade import arm_positives
        positive, owner = arm_positives(priors, gt)
        out = torch.full((len(priors),), -1, dtype=torch.long)
        out[positive] = owner
        return out
    result = anchor_head(model).assigner.assign(
        InstanceData(priors=priors), InstanceData(bboxes=gt, labels=labels))
    gt_inds = result.gt_inds.clone()
    return torch.where(gt_inds > 0, gt_inds - 1,
                       torch.where(gt_inds == 0, -1, -2))


def step_positives(model, owner, per_level, priors, gt, image,
                   family) -> Step:
    head = anchor_head(model)
    if family == 'refinedet':
        rule = ('the ARM\'s rule: IoU >= 0.5 with an object, plus each '
                'object\'s best anchor')
    else:
        a = head.assigner
        rule = (f'{type(a).__name__}: IoU >= {a.pos_iou_thr} positive, '
                f'< {a.neg_iou_thr} background'
                + (f', each object\'s best anchor if IoU >= {a.min_pos_iou}'
                   if getattr(a, 'min_pos_iou', None) is not None else ''))
    pos = owner >= 0
    level_of = torch.cat([torch.full((n,), i) for i, n in
                          enumerate(per_level)])
    per_object = torch.bincount(owner[pos], minlength=len(gt)).tolist()
    table = [[str(i), _n(int(pos[level_of == i].sum())),
              _n(int((owner[level_of == i] == -2).sum()))]
             for i in range(len(per_level))]
    fig = boxes_figure(image, gt, [('positive anchors', priors[pos], 'red')])
    return Step('positives', f'Positives: {int(pos.sum())} of '
                f'{_n(len(owner))} anchors',
                'Training needs a target for every anchor. The assigner '
                f'compares anchors with this image\'s {len(gt)} objects '
                f'({rule}). Everything else is background: the detector '
                'learns mostly from a few boxes per object.',
                rows=[('positives', str(int(pos.sum()))),
                      ('ignored (between the thresholds)',
                       str(int((owner == -2).sum()))),
                      ('background', _n(int((owner == -1).sum()))),
                      ('positives per object', str(per_object))],
                table=(['level', 'positives', 'ignored'], table),
                figures=[('positives.png', 'positive anchors (red), ground '
                          'truth (green)', fig)],
                counts=dict(positives=int(pos.sum()),
                            ignored=int((owner == -2).sum()),
                            per_object=per_object))


def _flat_scores(maps: Sequence[torch.Tensor], channels: int) -> torch.Tensor:
    """Per-level ``(1, A*K, H, W)`` maps -> ``(sum HWA, K)``, in the order
    of ``grid_priors`` (cell, then anchor)."""
    return torch.cat([m[0].permute(1, 2, 0).reshape(-1, channels)
                      for m in maps])


def step_retinanet(model, feats, owner, labels) -> Step:
    head = model.bbox_head
    cls_scores, _ = head(feats)
    c = head.cls_out_channels
    plt, fig, axes = _figure(len(cls_scores) + 1, size=2.4)
    for i, m in enumerate(cls_scores):
        a = m.shape[1] // c
        p = m[0].sigmoid().view(a, c, *m.shape[-2:]).amax(dim=(0, 1))
        axes[0][i].imshow(p.numpy(), cmap='viridis', vmin=0, vmax=1)
        axes[0][i].set_title(f'level {i}: max p, {tuple(p.shape)}',
                             fontsize=8)
        axes[0][i].axis('off')
    p = _flat_scores(cls_scores, c).sigmoid().double()
    loss = head.loss_cls
    gamma = float(getattr(loss, 'gamma', 0.0))
    alpha = getattr(loss, 'alpha', None)
    keep = owner != -2
    target = torch.zeros_like(p)
    pos = owner >= 0
    target[pos, labels[owner[pos]]] = 1
    p, target = p[keep], target[keep]
    p_t = torch.where(target == 1, p, 1 - p).clamp(1e-12, 1)
    modulation = (1 - p_t) ** gamma
    weight = modulation
    if alpha is not None:
        weight = weight * torch.where(target == 1, alpha, 1 - alpha)
    ce = -p_t.log()
    focal = weight * ce
    positive = target == 1
    easy = (~positive) & (p_t > 0.9)
    share = lambda loss, sel: float(loss[sel].sum() / loss.sum())  # noqa
    ax = axes[0][-1]
    bins = np.logspace(-8, 0, 40)
    ax.hist(modulation[~positive].clamp(1e-8).numpy(), bins=bins,
            alpha=0.6, label='background', log=True)
    ax.hist(modulation[positive].clamp(1e-8).numpy(), bins=bins,
            alpha=0.8, label='object', log=True)
    ax.set_xscale('log')
    ax.set_title(f'(1 - p_t)^{gamma:g} per binary target', fontsize=8)
    ax.legend(fontsize=7)
    rows = [('gamma, alpha', f'{gamma:g}, {alpha}'),
            ('binary targets (anchors x classes, not ignored)',
             _n(p_t.numel())),
            ('positive targets', str(int(positive.sum()))),
            ('easy background (p_t > 0.9)', _n(int(easy.sum()))),
            ('share of the cross-entropy from easy background',
             f'{100 * share(ce, easy):.1f}%'),
            ('share of the focal loss from easy background',
             f'{100 * share(focal, easy):.1f}%'),
            ('share of the focal loss from the positives',
             f'{100 * share(focal, positive):.1f}%'),
            ('mean (1 - p_t)^gamma: objects / background',
             f'{float(modulation[positive].mean()) if positive.any() else 0:.3g}'
             f' / {float(modulation[~positive].mean()):.3g}')]
    return Step('retinanet', 'RetinaNet: class maps and focal weights',
                'RetinaNet scores every anchor for every class with a '
                'sigmoid, so one image poses ~100k binary questions, almost '
                'all easy "no". Cross-entropy lets those easy negatives add '
                'up to most of the loss; the focal term (1 - p_t)^gamma '
                'shrinks a target\'s weight as it becomes easy, so the '
                'gradient goes to the hard ones (Lin et al., ICCV 2017).',
                rows=rows, figures=[('retinanet.png', 'per-level max class '
                                     'probability, and the focal weights',
                                     _png(plt, fig))],
                counts=dict(binary_targets=p_t.numel(),
                            easy_share_ce=share(ce, easy),
                            easy_share_focal=share(focal, easy)))


def step_ssd(model, feats, owner, labels, priors, gt, image) -> Step:
    import torch.nn.functional as F
    head = model.bbox_head
    cls_scores, _ = head(feats)
    c = head.cls_out_channels
    scores = _flat_scores(cls_scores, c)
    target = torch.full((len(scores),), head.num_classes, dtype=torch.long)
    pos = owner >= 0
    target[pos] = labels[owner[pos]]
    ce = F.cross_entropy(scores, target, reduction='none')
    negative = owner == -1
    ratio = head.train_cfg['neg_pos_ratio']
    wanted = int(ratio * pos.sum())
    num_neg = min(wanted, int(negative.sum()))
    neg_ce = torch.where(negative, ce, torch.full_like(ce, -1))
    hard = neg_ce.topk(num_neg).indices if num_neg else torch.zeros(
        0, dtype=torch.long)
    fig = boxes_figure(image, gt, [
        ('positives', priors[pos], 'red'),
        (f'hardest {min(num_neg, 60)} negatives', priors[hard[:60]],
         'orange')])
    rows = [('positives', str(int(pos.sum()))),
            ('negatives available', _n(int(negative.sum()))),
            (f'hard negatives kept (neg_pos_ratio {ratio:g})', str(num_neg)),
            ('mean cross-entropy: hard negatives / all negatives',
             f'{float(ce[hard].mean()) if num_neg else 0:.3f} / '
             f'{float(ce[negative].mean()):.3f}')]
    return Step('ssd', 'SSD: hard negative mining',
                'SSD scores every default box with a softmax over the '
                'classes plus background. Most boxes are background, so the '
                'loss keeps only the negatives with the highest loss, '
                f'{ratio:g} per positive: the confusing ones, not the empty '
                'sky (Liu et al., ECCV 2016). Drawn: the positives, and the '
                'negatives the loss would train on.', rows=rows,
                figures=[('ssd.png', 'positives and hard negatives', fig)],
                counts=dict(positives=int(pos.sum()), hard_negatives=num_neg))


def rpn_candidates(rpn, cls_scores, bbox_preds, priors, nms_pre: int):
    """What RPNHead keeps before its NMS: per level the ``nms_pre``
    best-scored anchors, decoded. Returns (boxes, scores, per-level counts)."""
    boxes, scores, kept = [], [], []
    for cls, reg, anchors in zip(cls_scores, bbox_preds, priors):
        score = cls[0].permute(1, 2, 0).reshape(-1).sigmoid()
        delta = reg[0].permute(1, 2, 0).reshape(-1, 4)
        top = score.argsort(descending=True)[:nms_pre]
        boxes.append(rpn.bbox_coder.decode(anchors[top], delta[top]))
        scores.append(score[top])
        kept.append(len(top))
    return torch.cat(boxes), torch.cat(scores), kept


def step_rpn(model, feats, meta, gt, labels, image, priors) -> Step:
    from mmengine.structures import InstanceData
    rpn = model.rpn_head
    cls_scores, bbox_preds = rpn(feats)
    cfg = model.test_cfg.rpn
    before, before_scores, kept = rpn_candidates(rpn, cls_scores, bbox_preds,
                                                 priors, cfg.nms_pre)
    after = rpn.predict_by_feat(cls_scores, bbox_preds,
                                batch_img_metas=[meta], cfg=cfg,
                                rescale=False)[0]
    cells = [len(p) for p in priors]
    rows = [('anchors scored', _n(sum(cells))),
            (f'kept per level before NMS (nms_pre={cfg.nms_pre})',
             ' + '.join(str(k) for k in kept) + f' = {_n(len(before))}'),
            (f'after NMS (IoU {cfg.nms.iou_threshold}) and '
             f'max_per_img={cfg.max_per_img}', _n(len(after)))]
    counts = dict(anchors=sum(cells), before_nms=len(before),
                  after_nms=len(after), nms_pre=cfg.nms_pre,
                  max_per_img=cfg.max_per_img)
    panels = [(f'top 100 before NMS (of {len(before)})',
               before[before_scores.argsort(descending=True)[:100]], 'red'),
              (f'top 100 after NMS (of {len(after)})', after.bboxes[:100],
               'red')]
    if len(gt):
        # Training's own path to the second stage: the proposals of
        # train_cfg.rpn_proposal, assigned and sampled by the RoI head.
        train_cfg = model.train_cfg.rpn_proposal
        proposals = rpn.predict_by_feat(cls_scores, bbox_preds,
                                        batch_img_metas=[meta],
                                        cfg=train_cfg, rescale=False)[0]
        roi = model.roi_head
        assigner, sampler = roi.bbox_assigner, roi.bbox_sampler
        if isinstance(assigner, list):  # a cascade: stage 1's
            assigner, sampler = assigner[0], sampler[0]
        proposals.priors = proposals.pop('bboxes')
        truth = InstanceData(bboxes=gt, labels=labels)
        torch.manual_seed(0)
        sampled = sampler.sample(assigner.assign(proposals, truth),
                                 proposals, truth)
        rows += [('proposals for training (train_cfg.rpn_proposal)',
                  _n(len(proposals))),
                 (f'RoIs sampled ({type(sampler).__name__}, num='
                  f'{sampler.num}, pos_fraction={sampler.pos_fraction})',
                  f'{len(sampled.pos_priors)} positive + '
                  f'{len(sampled.neg_priors)} negative (the ground truth '
                  'joins the proposals)')]
        counts.update(train_proposals=len(proposals),
                      sampled_positive=len(sampled.pos_priors),
                      sampled_negative=len(sampled.neg_priors))
        panels.append(('sampled positive RoIs', sampled.pos_priors, 'red'))
    return Step('rpn', 'RPN: proposals, NMS, and the sampled RoIs',
                'The region proposal network is a one-stage detector with '
                'one class, "object". Its best-scored boxes per level '
                'survive, NMS removes duplicates, and the rest become the '
                'second stage\'s regions of interest. In training a fixed '
                'number of RoIs is sampled with a fixed share of positives, '
                'so the box head sees balanced batches (Ren et al., 2015).',
                rows=rows, figures=[('rpn.png', 'proposals before and after '
                                     'NMS, and the sampled positive RoIs',
                                     boxes_figure(image, gt, panels))],
                counts=counts)


def step_cascade(model, batch) -> Step:
    from custom_modules.analysis import cascade_stages as cs
    from custom_modules.analysis.box_steps import gt_area
    out = cs.stage_boxes(model, batch)[0]
    steps = cs.steps_of(model.roi_head.num_stages)
    keys = [k for k, _ in steps]
    summary = cs.summarise(cs.image_stats(
        out['steps'], keys, out['gt'], gt_area(out),
        out['class_probability'], out['labels']), steps)
    ious = [float(getattr(h, 'pos_iou_thr', float('nan')))
            for h in model.roi_head.bbox_assigner]
    table = [[r['step'], _n(r['boxes']), f"{r['mean_iou']:.3f}"]
             + [f"{100 * r[f'share_{t:g}']:.1f}" for t in cs.IOU_LEVELS]
             for r in summary['followed_rows']]
    return Step('cascade', 'Cascade R-CNN: each stage\'s boxes',
                'Three box heads in a row, trained at IoU '
                + '/'.join(f'{t:g}' for t in ious) + '. Each refines the '
                'previous one\'s boxes, so the next, stricter stage still '
                'finds enough positives (Cai and Vasconcelos, 2018). The '
                'table follows the proposals that start at IoU >= 0.5 with '
                'an object: if the stages work, their IoU rises.',
                table=(['step', 'boxes', 'mean IoU with its object']
                       + [f'% at IoU >= {t:g}' for t in cs.IOU_LEVELS],
                       table),
                figures=[('cascade.png', 'the same proposals after each '
                          'stage', _file_png(cs.draw, out))],
                counts=dict(mean_iou=[r['mean_iou']
                                      for r in summary['followed_rows']],
                            followed=summary['followed']))


def step_refinedet(model, batch) -> Step:
    from custom_modules.analysis import refinedet_cascade as rc
    from custom_modules.analysis.box_steps import aligned_iou
    head = model.bbox_head
    out = rc.cascade_outputs(model, batch)[0]
    kept = out['background'] < head.negative_anchor_thr
    positive, owner = rc.arm_positives(out['anchors'], out['gt'])
    rows = [('anchors', _n(len(kept))),
            (f'kept by the ARM (background p < {head.negative_anchor_thr})',
             _n(int(kept.sum()))),
            ('filtered as plain background', _n(int((~kept).sum()))),
            ('ARM positives (tiled anchors at IoU >= 0.5)', str(len(positive)))]
    if len(positive):
        for key, label in rc.STEPS:
            iou = aligned_iou(out[{'anchor': 'anchors', 'arm': 'refined',
                                   'odm': 'final'}[key]][positive],
                              out['gt'][owner])
            rows.append((f'mean IoU of the ARM positives, {label}',
                         f'{float(iou.mean()):.3f}'))
    return Step('refinedet', 'RefineDet: ARM filter, refined anchors, ODM',
                'The anchor refinement module (ARM) does two things on the '
                'backbone maps: it moves every anchor towards an object, and '
                'it flags anchors that are plainly background, which the '
                'object detection module (ODM) then never sees. The ODM '
                'classifies and regresses again, from the refined anchors, '
                'on the TCB maps: two regressions, one network (Zhang et '
                'al., CVPR 2018).', rows=rows,
                figures=[('refinedet.png', 'the ARM positives as tiled, '
                          'after the ARM and after the ODM, and the centres '
                          'of the anchors the ARM keeps',
                          _file_png(rc.draw, out))],
                counts=dict(anchors=len(kept), kept=int(kept.sum()),
                            arm_positives=len(positive)))


def step_mask(model, feats, result, image) -> Step:
    from mmdet.structures.bbox import bbox2roi
    roi = model.roi_head
    inst = result.pred_instances
    top = inst[:6]
    rois = bbox2roi([top.bboxes])
    if hasattr(roi, 'num_stages'):
        logits = roi._mask_forward(roi.num_stages - 1, feats, rois)
    else:
        logits = roi._mask_forward(feats, rois)
    logits = logits['mask_preds']
    n = max(len(top), 1)
    plt, fig, axes = _figure(n + 1, size=2.4)
    for i in range(len(top)):
        m = logits[i, int(top.labels[i])].sigmoid()
        axes[0][i].imshow(m.numpy(), cmap='gray', vmin=0, vmax=1)
        axes[0][i].set_title(f'box {i}: {tuple(m.shape)}', fontsize=8)
    for ax in axes[0][:-1]:
        ax.axis('off')
    ax = axes[0][-1]
    overlay = image.astype(np.float32) / 255
    if len(inst) and 'masks' in inst:
        masks = inst.masks[:6].numpy().astype(bool)
        # Masks come at the resized image's size, the input is padded.
        region = overlay[:masks.shape[1], :masks.shape[2]]
        for i, m in enumerate(masks):
            colour = np.array(matplotlib_colour(LEVEL_COLOURS[i % 7]))
            region[m] = 0.5 * region[m] + 0.5 * colour
    _show(ax, overlay, 'masks pasted into the image')
    return Step('mask', 'Mask head: 28x28 logits per box',
                'For each detected box, RoIAlign cuts a fixed-size patch '
                'from the feature maps, and a small FCN predicts one '
                'low-resolution mask per class; only the detected class\'s '
                'channel is used, so classes do not compete for pixels (He '
                'et al., ICCV 2017). The masks are pasted back into the box '
                'at full size.',
                rows=[('mask logits', str(tuple(logits.shape))),
                      ('masks returned', str(len(inst)))],
                figures=[('mask.png', 'mask probabilities of the top boxes, '
                          'and the pasted masks', _png(plt, fig))],
                counts=dict(mask_logits=list(logits.shape)))


def matplotlib_colour(name: str):
    import matplotlib.colors as mc
    return mc.to_rgb(name)


def step_detections(model, result, names, image, gt, score_thr) -> Step:
    inst = result.pred_instances
    shown = inst[inst.scores >= score_thr]
    labels = [f'{names[int(lbl)] if int(lbl) < len(names) else lbl} '
              f'{float(s):.2f}' for lbl, s in zip(shown.labels, shown.scores)]
    plt, fig, axes = _figure(1, size=4.5)
    _show(axes[0][0], image, f'{len(shown)} detections >= {score_thr:g}')
    _boxes(axes[0][0], gt, 'lime', 1.5)
    _boxes(axes[0][0], shown.bboxes, 'red', 1.2, labels)
    per_class: Dict[str, int] = {}
    for lbl in shown.labels.tolist():
        key = names[lbl] if lbl < len(names) else str(lbl)
        per_class[key] = per_class.get(key, 0) + 1
    test_cfg = model.test_cfg.get('rcnn', model.test_cfg)
    return Step('detections', 'Final detections',
                'predict() decodes the offsets, scores every class, removes '
                'duplicates with NMS and keeps the best '
                f'{test_cfg.get("max_per_img", "?")}. The score threshold '
                'only decides what is drawn; COCO AP uses every kept box.',
                rows=[('boxes returned', str(len(inst))),
                      (f'score >= {score_thr:g}', str(len(shown))),
                      ('per class', ', '.join(f'{k} {v}' for k, v in
                                              sorted(per_class.items()))
                       or 'none')],
                figures=[('detections.png', 'detections (red), ground '
                          'truth (green)', _png(plt, fig))],
                counts=dict(returned=len(inst), shown=len(shown)))


# ------------------------------------------------------------------ driver

def input_image(model, inputs: torch.Tensor) -> np.ndarray:
    """The network's input as an RGB uint8 picture (normalisation undone)."""
    pre = model.data_preprocessor
    x = inputs[0].float() * pre.std.view(-1, 1, 1) + pre.mean.view(-1, 1, 1)
    x = x.clamp(0, 255).byte().permute(1, 2, 0).numpy()
    # mmcv loads BGR; the preprocessor flips to RGB only when told to.
    return x if getattr(pre, '_channel_conversion', False) else x[..., ::-1]


def walk(model, cfg, data, score_thr: float = 0.3) -> List[Step]:
    """Every step for one ``data`` (a test pipeline's output)."""
    from mmengine.dataset import pseudo_collate
    from custom_modules.analysis.box_steps import gt_in_input_pixels
    batch = pseudo_collate([data])
    family = family_of(model)
    with torch.no_grad():
        pre = model.data_preprocessor(batch, training=False)
        inputs, samples = pre['inputs'], pre['data_samples']
        image = input_image(model, inputs)
        sample = samples[0]
        has_gt = 'gt_instances' in sample and len(sample.gt_instances) > 0
        gt = gt_in_input_pixels(sample) if has_gt else torch.zeros(0, 4)
        labels = (sample.gt_instances.labels.cpu() if has_gt
                  else torch.zeros(0, dtype=torch.long))
        steps = [step_input(model, pre, image)]
        levels = feature_levels(model, inputs)
        steps.append(step_features(levels, inputs.shape[-2:]))
        head_feats = levels[0][1] if family == 'refinedet' else levels[-1][1]
        sizes = [f.shape[-2:] for f in head_feats]
        anchors_step, priors = step_anchors(model, sizes, image, family)
        steps.append(anchors_step)
        flat = torch.cat(priors)
        owner = None
        if has_gt:
            owner = assign(model, flat, gt, labels, family)
            steps.append(step_positives(model, owner,
                                        [len(p) for p in priors], flat, gt,
                                        image, family))
        if family == 'retinanet':
            if owner is None:
                owner = torch.full((len(flat),), -1, dtype=torch.long)
            steps.append(step_retinanet(model, head_feats, owner, labels))
        elif family == 'ssd' and owner is not None:
            steps.append(step_ssd(model, head_feats, owner, labels, flat, gt,
                                  image))
        elif family in ('two_stage', 'cascade'):
            steps.append(step_rpn(model, head_feats, sample.metainfo, gt,
                                  labels, image, priors))
            if family == 'cascade':
                steps.append(step_cascade(model, batch))
        elif family == 'refinedet':
            steps.append(step_refinedet(model, batch))
        result = model.predict(inputs, samples, rescale=False)[0]
        if getattr(model, 'with_mask', False) and len(
                result.pred_instances):
            steps.append(step_mask(model, head_feats, result, image))
        steps.append(step_detections(model, result, class_names(cfg), image,
                                     gt, score_thr))
    return steps


def write(steps: List[Step], out_dir: str, title: str, notes: List[str],
          meta: Dict) -> str:
    """DIR/index.html with its pictures beside it, and DIR/walkthrough.json
    with every count (what the tests and other tools read)."""
    from custom_modules.analysis.walkthrough_page import render_html
    os.makedirs(out_dir, exist_ok=True)
    for step in steps:
        for name, _, png in step.figures:
            with open(osp.join(out_dir, name), 'wb') as f:
                f.write(png)
    path = osp.join(out_dir, 'index.html')
    with open(path, 'w', encoding='utf-8') as f:
        f.write(render_html(steps, title, notes, meta))
    with open(osp.join(out_dir, 'walkthrough.json'), 'w') as f:
        json.dump(dict(meta, steps={s.key: s.counts for s in steps}), f,
                  indent=1, default=str)
    return path


def run(config: str, checkpoint: Optional[str], out_dir: str,
        image: Optional[str] = None, index: int = 0, score_thr: float = 0.3,
        cfg_options: Optional[dict] = None, command: str = '') -> str:
    """Build the model (trained if ``checkpoint``), walk one image through
    it and write the page; returns the path of index.html."""
    from custom_modules.analysis.trained_model import build_model
    from custom_modules.apis.config import import_plugins, load_config
    from custom_modules.reporting import environment
    cfg = load_config(config, cfg_options)
    import_plugins(cfg)
    model = build_model(cfg, checkpoint)
    if checkpoint:
        from custom_modules.apis.test import check_checkpoint_fits
        check_checkpoint_fits(model, checkpoint)
    data = load_image(cfg, image, index)
    steps = walk(model, cfg, data, score_thr)
    name = osp.splitext(osp.basename(config))[0]
    notes = []
    if not checkpoint:
        notes.append('Random weights (no checkpoint given): every shape and '
                     'count is the model\'s own, but boxes and scores mean '
                     'nothing yet. Give a trained checkpoint to see what the '
                     'model learned.')
    if image is not None:
        notes.append('An image outside the dataset: no ground truth, so no '
                     'positives, sampled RoIs or hard negatives are shown.')
    env = environment()
    meta = dict(config=config, checkpoint=checkpoint or 'none (random '
                'weights)', image=image or f'val image #{index}',
                family=family_of(model), command=command,
                machine=', '.join(f'{k} {v}' for k, v in env.items()),
                trained=bool(checkpoint))
    return write(steps, out_dir, f'Walkthrough: {name}', notes, meta)
