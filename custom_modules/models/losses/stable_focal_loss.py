"""Focal loss computed from the logits, so that every gamma has a gradient.

What it is: the focal loss of Lin et al. (ICCV 2017),

    FL(p_t) = -alpha_t (1 - p_t)^gamma log(p_t),

the cross entropy of the true label scaled down where the detector is
already right (p_t near 1), so that the ~100k easy background anchors of an
image stop drowning the few that matter. gamma = 0 is alpha-balanced cross
entropy; the paper's Table 1b sweeps gamma over 0, 0.1, 0.2, 0.5, 1, 2, 5.

Why a subclass: on a CPU, mmdet 3.3's ``FocalLoss`` computes it in
probability space (``py_sigmoid_focal_loss``): ``p = sigmoid(x)``, then
``(1 - p_t) ** gamma``. The derivative of ``u ** gamma`` at ``u = 0`` is
``gamma * u ** (gamma - 1)``, infinite for ``0 < gamma < 1``; autograd then
multiplies it by ``dp/dx = 0`` and gets NaN. ``u = 1 - p_t`` is exactly 0
as soon as the sigmoid rounds to 1, which in fp32 happens for logits beyond
about 17 and under bf16 autocast (which computes the sigmoid in bf16)
beyond about 6. So gamma = 0.5 trains for a while and then turns every
weight into NaN: DetLab's focal-gamma sweep lost all three of its gamma =
0.5 cells that way (docs/benchmark_notes.md). mmcv's CUDA kernel does not
suffer it, because it writes the gradient out by hand; this class does the
same on every device by never leaving logit space:

    x_t = x for a positive, -x for a negative  (the logit of the true label)
    log p_t       = logsigmoid(x_t)
    (1 - p_t)^gamma = exp(gamma * logsigmoid(-x_t))

Both are smooth in ``x`` for every ``x`` and gamma >= 0: the derivative of
``exp(gamma * logsigmoid(-x_t))`` is ``-gamma * (1 - p_t)^gamma * p_t``,
finite everywhere. The loss is computed in fp32 whatever the head's output
dtype, as autocast does for mmdet's other losses. For gamma in {0, 1, 2, 5}
the value and gradient equal mmdet's to fp32 rounding (tests), so the
class changes nothing but the NaN.

On a GPU with integer labels it defers to mmdet (mmcv's kernel is already
stable, and faster).
"""
import torch
import torch.nn.functional as F
from mmdet.models.losses import FocalLoss
from mmdet.models.losses.utils import weight_reduce_loss
from mmdet.registry import MODELS


def focal_loss_from_logits(pred: torch.Tensor, target: torch.Tensor,
                           gamma: float, alpha: float) -> torch.Tensor:
    """Element-wise focal loss, (N, C), from logits and one-hot targets."""
    x = pred.float()
    t = target.float()
    x_t = torch.where(t > 0, x, -x)
    alpha_t = alpha * t + (1 - alpha) * (1 - t)
    modulating = torch.exp(gamma * F.logsigmoid(-x_t)) if gamma else 1.0
    return -alpha_t * modulating * F.logsigmoid(x_t)


@MODELS.register_module()
class StableFocalLoss(FocalLoss):
    """mmdet's ``FocalLoss`` (same arguments, same reduction and weights),
    computed from the logits on the CPU path."""

    def forward(self, pred, target, weight=None, avg_factor=None,
                reduction_override=None):
        if not self.use_sigmoid or self.activated or (
                pred.is_cuda and pred.dim() != target.dim()):
            return super().forward(pred, target, weight, avg_factor,
                                   reduction_override)
        reduction = reduction_override or self.reduction
        if pred.dim() != target.dim():
            # Integer labels, background = num_classes: one-hot without
            # the background column, as mmdet does.
            target = F.one_hot(target, pred.size(1) + 1)[:, :pred.size(1)]
        loss = focal_loss_from_logits(pred, target, self.gamma, self.alpha)
        if weight is not None and weight.shape != loss.shape:
            weight = (weight.view(-1, 1) if weight.size(0) == loss.size(0)
                      else weight.view(loss.size(0), -1))
        return self.loss_weight * weight_reduce_loss(
            loss, None if weight is None else weight.float(), reduction,
            avg_factor)
