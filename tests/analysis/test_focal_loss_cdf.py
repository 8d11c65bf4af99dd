"""The focal-loss CDF analysis: the loss terms match mmdet's FocalLoss, the
normalised cumulative curve is right on hand-made inputs, and a larger gamma
moves the negative loss onto the hard examples."""
import math

import pytest
import torch

from custom_modules.analysis.focal_loss_cdf import (focal_loss_terms,
                                                    loss_cdfs,
                                                    loss_share_of_hardest,
                                                    normalized_cdf)


@pytest.mark.parametrize('gamma', [0.0, 0.5, 2.0, 5.0])
def test_terms_equal_mmdet_focal_loss_without_alpha(gamma):
    from mmdet.models.losses.focal_loss import py_sigmoid_focal_loss
    torch.manual_seed(0)
    # float64: the two formulas round differently in float32.
    logits = torch.randn(200, 3, dtype=torch.float64) * 4
    targets = (torch.rand(200, 3) < 0.2).double()
    # mmdet weights positives by alpha and negatives by 1 - alpha; with
    # alpha = 0.5 both are halved, so twice that is the unweighted loss.
    ref = 2 * py_sigmoid_focal_loss(logits, targets, gamma=gamma, alpha=0.5,
                                    reduction='none')
    assert torch.allclose(focal_loss_terms(logits, targets, gamma), ref,
                          rtol=1e-9, atol=1e-12)


def test_terms_are_accurate_for_confident_logits():
    # Wrong and confident: finite and large, no log(0).
    loss = focal_loss_terms(torch.tensor([-40.0, 40.0]),
                            torch.tensor([1.0, 0.0]), 2.0)
    assert torch.all(torch.isfinite(loss)) and torch.all(loss > 39)
    # Right and confident: in float32 sigmoid(20) rounds to 1 and a naive
    # -log(p) would give exactly 0; log(1 + e^-20) = 2.06e-9 is kept.
    easy = focal_loss_terms(torch.tensor([20.0]), torch.tensor([1.0]), 0.0)
    assert easy.item() == pytest.approx(math.log1p(math.exp(-20)), rel=1e-4)


def test_normalized_cdf_by_hand():
    xs, ys = normalized_cdf(torch.ones(4), num_points=5)
    assert xs == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert ys == pytest.approx([0.0, 0.25, 0.5, 0.75, 1.0])
    # One sample holds all the loss: nothing until the last quarter.
    _, ys = normalized_cdf(torch.tensor([4.0, 0.0, 0.0, 0.0]), num_points=5)
    assert ys == pytest.approx([0.0, 0.0, 0.0, 0.0, 1.0])
    assert loss_share_of_hardest(torch.tensor([1.0] * 99 + [101.0]), 0.01) \
        == pytest.approx(101 / 200)


def test_larger_gamma_moves_negative_loss_onto_hard_examples():
    # 9900 easy negatives (p = 0.0025) and 100 hard ones (p = 0.5).
    neg = torch.cat([torch.full((9900,), -6.0), torch.zeros(100)])
    pos = torch.linspace(-2, 4, 50)
    out = loss_cdfs(pos, neg, gammas=[0, 1, 2], num_points=101)
    share = [out['gammas'][g]['negative']['hardest_1pct_share']
             for g in ('0.0', '1.0', '2.0')]
    # CE: a hard negative costs log 2, an easy one log(1 + e^-6) = 0.00248,
    # so the 1% hard carry 69.3 / (69.3 + 24.5) = 74% of the loss; the focal
    # term takes that towards 100%.
    hard, easy = math.log(2), math.log1p(math.exp(-6))
    assert share[0] == pytest.approx(100 * hard / (100 * hard + 9900 * easy),
                                     rel=1e-4)
    assert share[0] < share[1] < share[2] and share[2] > 0.99
    assert out['num_positive'] == 50 and out['num_negative'] == 10000
    curve = out['gammas']['2.0']['negative']['cumulative_loss']
    assert curve[0] == 0 and curve[-1] == pytest.approx(1.0)
    assert all(a <= b + 1e-12 for a, b in zip(curve, curve[1:]))
