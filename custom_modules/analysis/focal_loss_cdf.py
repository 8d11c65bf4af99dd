"""Where does the loss go? The cumulative focal loss of a trained detector,
for several gamma (Figure 4 of the RetinaNet paper).

**The question.** A one-stage detector scores ~10^4-10^5 anchors per image,
and all but a few dozen are background. Most of those negatives are easy
(p_t close to 1), but there are so many that, under cross entropy, their
small losses add up and dominate the gradient. The focal loss
``FL(p_t) = -(1 - p_t)^gamma * log(p_t)`` multiplies each term by
``(1 - p_t)^gamma``, which is ~0 for an easy example and ~1 for a hard one.
How much does that reshape the loss, on real predictions?

**The measurement** (Lin et al., ICCV 2017, Section 5.1 and Figure 4).
Run a trained model on images, take the predicted probability of every
anchor, and split the anchors the way training does (the head's own
assigner: IoU >= 0.5 positive, < 0.4 negative, in between ignored):

* a *positive* sample is a positive anchor's term for its ground-truth
  class (target 1);
* a *negative* sample is a background anchor's term for one class (target
  0): with a sigmoid classifier every (anchor, class) pair is its own binary
  problem. The per-class terms of positive anchors for the *other* classes
  are left out, so "negative" means background as in the paper.

Then, separately for positives and negatives and for each gamma: compute
FL of every sample, sort ascending, take the cumulative sum and divide by
the total. Plotted against the fraction of samples, this curve says which
share of the total loss the easiest x% of samples carry. alpha is a
constant factor within each group, so it cancels in the normalisation and
is left out.

**What it shows.** For positives the curves barely move with gamma. For
negatives, gamma = 0 gives a gentle curve (the easy majority carries most of
the loss); at gamma = 2 the curve stays near 0 until the last few percent:
nearly all the loss comes from a small set of hard negatives, and the easy
ones are effectively ignored. That is online hard-negative mining without
sampling, and it is the reason the focal loss needs no OHEM or 1:3 sampling.

The model is evaluated as trained: ``model.eval()`` (BN running
statistics), the val pipeline (no flip), no gradient.
"""
import json
import math
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F

DEFAULT_GAMMAS = (0.0, 0.5, 1.0, 2.0)


# --------------------------------------------------------------------------
# The loss and its cumulative distribution
# --------------------------------------------------------------------------
def focal_loss_terms(logits: torch.Tensor, targets: torch.Tensor,
                     gamma: float) -> torch.Tensor:
    """Unreduced, un-alpha-weighted sigmoid focal loss of binary terms.

    ``-(1 - p_t)^gamma * log(p_t)`` with ``p_t = sigmoid(x)`` for a target 1
    and ``1 - sigmoid(x)`` for a target 0, computed from ``log p_t =
    logsigmoid(+-x)`` so that a confident logit of 30 does not round p_t to
    1 and the loss to exactly 0.
    """
    sign = targets.to(logits.dtype) * 2 - 1
    log_pt = F.logsigmoid(sign * logits)
    if gamma == 0:
        return -log_pt
    # 1 - p_t = sigmoid(-sign * x): again no cancellation for confident x.
    return -torch.sigmoid(-sign * logits).pow(gamma) * log_pt


def normalized_cdf(losses: torch.Tensor, num_points: int = 1001
                   ) -> Tuple[List[float], List[float]]:
    """Cumulative share of the total loss carried by the easiest fraction
    ``x`` of samples, at ``num_points`` evenly spaced ``x`` in [0, 1]."""
    n = losses.numel()
    xs = torch.linspace(0, 1, num_points, dtype=torch.float64)
    if n == 0:
        return xs.tolist(), [float('nan')] * num_points
    ordered = torch.sort(losses.double().flatten()).values
    cum = torch.cumsum(ordered, 0)
    total = cum[-1]
    if total <= 0:
        return xs.tolist(), xs.tolist()  # all losses zero: uniform
    cum = torch.cat([cum.new_zeros(1), cum / total])  # cdf at k/n, k=0..n
    # Linear interpolation of the step curve at the sample fractions.
    pos = xs * n
    lo = pos.floor().long().clamp(max=n)
    hi = (lo + 1).clamp(max=n)
    w = pos - lo.double()
    ys = cum[lo] * (1 - w) + cum[hi] * w
    return xs.tolist(), ys.tolist()


def loss_share_of_hardest(losses: torch.Tensor, fraction: float) -> float:
    """Share of the total loss carried by the hardest ``fraction`` of the
    samples (e.g. 0.01 -> the top 1%)."""
    n = losses.numel()
    if n == 0:
        return float('nan')
    k = max(1, int(math.ceil(fraction * n)))
    total = losses.double().sum()
    if total <= 0:
        return float('nan')
    return float(torch.topk(losses.double().flatten(), k).values.sum() / total)


def loss_cdfs(pos_logits: torch.Tensor, neg_logits: torch.Tensor,
              gammas: Sequence[float] = DEFAULT_GAMMAS,
              num_points: int = 1001) -> Dict:
    """The curves and summary numbers for each gamma (JSON-ready)."""
    out = dict(num_positive=int(pos_logits.numel()),
               num_negative=int(neg_logits.numel()), gammas={})
    for gamma in gammas:
        entry = {}
        for name, logits, target in (('positive', pos_logits, 1),
                                     ('negative', neg_logits, 0)):
            losses = focal_loss_terms(logits, torch.full_like(
                logits, target), gamma)
            xs, ys = normalized_cdf(losses, num_points)
            entry[name] = dict(
                fraction=xs, cumulative_loss=ys,
                hardest_1pct_share=loss_share_of_hardest(losses, 0.01),
                hardest_10pct_share=loss_share_of_hardest(losses, 0.10),
                mean_loss=float(losses.double().mean()) if losses.numel()
                else float('nan'))
        out['gammas'][str(float(gamma))] = entry
    return out


# --------------------------------------------------------------------------
# Predictions and the assigner's targets, anchor by anchor
# --------------------------------------------------------------------------
@torch.no_grad()
def anchor_logits(model, batch, neg_per_image: Optional[int] = None,
                  generator: Optional[torch.Generator] = None
                  ) -> Tuple[torch.Tensor, torch.Tensor]:
    """Classification logits of one batch, split by the head's targets.

    Returns ``(pos, neg)``: the ground-truth-class logit of every positive
    anchor, and the logits (all classes) of background anchors, at most
    ``neg_per_image`` of them per image, drawn uniformly at random (an
    unbiased sample keeps the CDF's shape; it bounds memory on COCO-sized
    inputs, where an image has ~10^7 negative terms).
    """
    from mmdet.models.utils import unpack_gt_instances
    head = model.bbox_head
    data = model.data_preprocessor(batch, training=False)
    feats = model.extract_feat(data['inputs'])
    cls_scores, _ = head(feats)
    gt, gt_ignore, metas = unpack_gt_instances(data['data_samples'])
    sizes = [s.shape[-2:] for s in cls_scores]
    anchors, valid = head.get_anchors(sizes, metas,
                                      device=cls_scores[0].device)
    labels_list, weights_list = head.get_targets(
        anchors, valid, gt, metas, batch_gt_instances_ignore=gt_ignore)[:2]
    num_classes = head.cls_out_channels
    pos_all, neg_all = [], []
    n_img = cls_scores[0].shape[0]
    for i in range(n_img):
        # Per level: (C*A, H, W) -> (H*W*A, C), the order of the targets.
        logits = torch.cat([s[i].permute(1, 2, 0).reshape(-1, num_classes)
                            for s in cls_scores])
        labels = torch.cat([lv[i] for lv in labels_list])
        weights = torch.cat([w[i] for w in weights_list])
        pos = (labels < num_classes) & (weights > 0)
        neg = (labels == num_classes) & (weights > 0)
        pos_all.append(logits[pos].gather(1, labels[pos][:, None])[:, 0])
        neg_logits = logits[neg].flatten()
        if neg_per_image and neg_logits.numel() > neg_per_image:
            keep = torch.randperm(neg_logits.numel(), generator=generator,
                                  device='cpu')[:neg_per_image]
            neg_logits = neg_logits[keep.to(neg_logits.device)]
        neg_all.append(neg_logits)
    return torch.cat(pos_all).float().cpu(), torch.cat(neg_all).float().cpu()


def build_model_and_loader(config: str, checkpoint: str,
                           cfg_options: Optional[dict] = None,
                           device: str = 'cpu'):
    """The trained model (eval mode, with its train_cfg so the head can
    assign targets) and the val dataloader of ``config``."""
    from custom_modules.analysis.trained_model import load_for_analysis
    model, loader = load_for_analysis(config, checkpoint, cfg_options,
                                      device=device)
    if getattr(getattr(model, 'bbox_head', None), 'get_targets', None) is None:
        raise ValueError('the model has no dense head with get_targets '
                         '(an anchor-based one-stage head such as RetinaHead '
                         'is needed)')
    return model, loader


def run_focal_loss_cdf(config: str, checkpoint: str, out_dir: str,
                       gammas: Sequence[float] = DEFAULT_GAMMAS,
                       max_images: Optional[int] = None,
                       neg_per_image: Optional[int] = 20000,
                       cfg_options: Optional[dict] = None,
                       device: str = 'cpu', seed: int = 0) -> Dict:
    """The whole analysis: writes ``focal_loss_cdf.json`` and
    ``focal_loss_cdf.png`` to ``out_dir`` and returns the JSON dict."""
    model, loader = build_model_and_loader(config, checkpoint, cfg_options,
                                           device)
    gen = torch.Generator().manual_seed(seed)
    pos, neg, seen = [], [], 0
    for batch in loader:
        p, n = anchor_logits(model, batch, neg_per_image, gen)
        pos.append(p)
        neg.append(n)
        seen += len(batch['data_samples'])
        if max_images and seen >= max_images:
            break
    result = loss_cdfs(torch.cat(pos), torch.cat(neg), gammas)
    result.update(config=config, checkpoint=checkpoint, num_images=seen,
                  neg_per_image=neg_per_image)
    os.makedirs(out_dir, exist_ok=True)
    json_path = osp.join(out_dir, 'focal_loss_cdf.json')
    with open(json_path, 'w') as f:
        json.dump(result, f)
    png_path = osp.join(out_dir, 'focal_loss_cdf.png')
    plot_cdfs(result, png_path)
    result['files'] = [json_path, png_path]
    return result


def plot_cdfs(result: Dict, path: str) -> str:
    """Two panels as in the paper: positives and negatives, one curve per
    gamma."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
    for ax, name in zip(axes, ('positive', 'negative')):
        for gamma, entry in result['gammas'].items():
            e = entry[name]
            ax.plot(e['fraction'], e['cumulative_loss'],
                    label=f'γ = {float(gamma):g}')
        n = result[f'num_{name}']
        ax.set_title(f'{name} samples (n = {n:,})')
        kind = 'foreground' if name == 'positive' else 'background'
        ax.set_xlabel(f'fraction of {kind} examples')
        ax.set_ylabel('cumulative normalized loss')
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc='upper left')
    fig.suptitle(f'Cumulative focal loss over {result.get("num_images", "?")}'
                 ' val images')
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
