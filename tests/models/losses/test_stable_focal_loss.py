"""StableFocalLoss: the paper's formula by hand, mmdet's FocalLoss where
that one is well defined, and a finite gradient where it is NaN."""
import math

import pytest
import torch
from mmdet.models.losses import FocalLoss

from custom_modules.models.losses import StableFocalLoss
from custom_modules.models.losses.stable_focal_loss import \
    focal_loss_from_logits


def test_the_papers_formula_by_hand():
    # One positive with logit log(3) (p = 3/4), one negative with logit
    # 0 (p = 1/2); gamma 2, alpha 0.25.
    pred = torch.tensor([[math.log(3.0)], [0.0]])
    target = torch.tensor([[1.0], [0.0]])
    got = focal_loss_from_logits(pred, target, gamma=2.0, alpha=0.25)
    # positive: -0.25 (1/4)^2 log(3/4); negative: -0.75 (1/2)^2 log(1/2)
    want = torch.tensor([[-0.25 * (1 / 16) * math.log(0.75)],
                         [-0.75 * 0.25 * math.log(0.5)]])
    torch.testing.assert_close(got, want)


@pytest.mark.parametrize('gamma', [0.0, 1.0, 2.0, 5.0])
@pytest.mark.parametrize('alpha', [0.25, 0.75])
def test_equals_mmdet_where_mmdet_is_defined(gamma, alpha):
    """Value and gradient of mmdet's FocalLoss (CPU path), integer labels
    with background = num_classes, per-anchor weights, avg_factor."""
    torch.manual_seed(0)
    logits = torch.randn(64, 6) * 4
    labels = torch.randint(0, 7, (64,))   # 6 = background
    weight = torch.rand(64)
    kw = dict(use_sigmoid=True, gamma=gamma, alpha=alpha, loss_weight=1.5)
    results = []
    for loss in (FocalLoss(**kw), StableFocalLoss(**kw)):
        x = logits.clone().requires_grad_(True)
        value = loss(x, labels, weight, avg_factor=10.0)
        value.backward()
        results.append((value.detach(), x.grad))
    (v_ref, g_ref), (v, g) = results
    torch.testing.assert_close(v, v_ref, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(g, g_ref, rtol=1e-4, atol=1e-6)


def test_gamma_below_one_has_a_finite_gradient_where_mmdet_has_nan():
    """A confident, correct prediction (sigmoid rounds to 1): mmdet's
    (1 - p_t) ** 0.5 has an infinite derivative there and autograd returns
    NaN; from the logits the gradient is finite (and tiny)."""
    kw = dict(use_sigmoid=True, gamma=0.5, alpha=0.25)
    logits = torch.tensor([[20.0, -20.0], [0.3, -0.2]])
    labels = torch.tensor([0, 2])          # anchor 0: class 0; anchor 1: bg
    x = logits.clone().requires_grad_(True)
    FocalLoss(**kw)(x, labels).backward()
    assert torch.isnan(x.grad).any()       # the upstream behaviour
    x = logits.clone().requires_grad_(True)
    StableFocalLoss(**kw)(x, labels).backward()
    assert torch.isfinite(x.grad).all()
    # d/dx of -a (1 - p)^g log p for the saturated positive: tiny, negative.
    assert -1e-3 < x.grad[0, 0] < 0
    # The bf16 head output of autocast is computed in fp32 all the same.
    out = StableFocalLoss(**kw)(logits.bfloat16(), labels)
    assert out.dtype == torch.float32 and torch.isfinite(out)


def test_registered_and_buildable_from_a_config():
    from mmdet.registry import MODELS
    import custom_modules.models  # noqa: F401 (registers)
    loss = MODELS.build(dict(type='StableFocalLoss', use_sigmoid=True,
                             gamma=0.5, alpha=0.5, loss_weight=1.0))
    assert isinstance(loss, StableFocalLoss) and loss.gamma == 0.5
