"""MultiBoxLoss on cases small enough to compute by hand: matching, encoding,
3:1 hard negative mining and the normalisation by positives."""
import math

import pytest
import torch
from mmengine.structures import InstanceData

from custom_modules.models.losses import MultiBoxLoss

BACKGROUND = 2  # two object classes, background last


def _far_boxes(count):
    """Boxes with IoU 0 with anything near the origin."""
    return [[100. + 20 * k, 100., 110. + 20 * k, 110.] for k in range(count)]


def _case():
    """One image, one ground-truth box of class 1 and ten anchors:
    a0 equal to the box (IoU 1), a1 taller (IoU 100/160 = 0.625), and
    eight far-away negatives a2..a9."""
    anchors = torch.tensor([[0., 0., 10., 10.], [0., 0., 10., 16.]] +
                           _far_boxes(8))
    gt = InstanceData(
        bboxes=torch.tensor([[0., 0., 10., 10.]]), labels=torch.tensor([1]))
    # Logits (class 0, class 1, background).
    logits = torch.zeros(10, 3)
    logits[1, 1] = math.log(2)  # p(class 1) = 2 / 4
    # Negatives: logits (x, 0, 0), x = 4 .. -3, so CE = log(e^x + 2)
    # decreases with the index.
    xs = [4., 3., 2., 1., 0., -1., -2., -3.]
    logits[2:, 0] = torch.tensor(xs)
    offsets = torch.zeros(10, 4)
    offsets[0] = torch.tensor([0.5, -0.5, 2.0, 0.])
    # Offsets of negatives must not matter.
    offsets[2:] = 100.
    return anchors, gt, logits[None], offsets[None], xs


def test_loss_matches_a_hand_computation():
    anchors, gt, logits, offsets, xs = _case()
    loss = MultiBoxLoss(neg_pos_ratio=3)
    loss_cls, loss_bbox = loss(logits, offsets, anchors, [gt])

    # 2 positives -> the 6 hardest of 8 negatives: x = 4 .. -1.
    positives_ce = math.log(3) + math.log(2)
    negatives_ce = sum(math.log(math.exp(x) + 2) for x in xs[:6])
    assert loss_cls.item() == pytest.approx((positives_ce + negatives_ce) / 2,
                                            rel=1e-5)

    # a0: target 0, prediction (0.5, -0.5, 2, 0):
    #   smooth L1 = 0.5*0.25 + 0.5*0.25 + (2 - 0.5) + 0 = 1.75.
    # a1: centre y 8 -> 5 over h 16, h 16 -> 10, variances 0.1 / 0.2:
    #   targets (0, -3/16/0.1, 0, log(10/16)/0.2) = (0, -1.875, 0, -2.350),
    #   prediction 0 -> (1.875 - 0.5) + (2.350 - 0.5).
    a1 = (1.875 - 0.5) + (-math.log(10 / 16) / 0.2 - 0.5)
    assert loss_bbox.item() == pytest.approx((1.75 + a1) / 2, rel=1e-5)


def test_two_score_loss_is_the_binary_cross_entropy_of_the_arm():
    """The ARM case: scores (object, background); softmax CE over two
    scores is the binary CE of the logit difference, log(1 + e^-d)."""
    anchors = torch.tensor([[0., 0., 10., 10.]] + _far_boxes(4))
    objects = InstanceData(bboxes=torch.tensor([[0., 0., 10., 10.]]),
                           labels=torch.tensor([0]))
    logits = torch.zeros(1, 5, 2)
    logits[0, 0, 0] = 1.  # the positive: d = 1
    logits[0, 1:, 0] = torch.tensor([2., 1., 0., -1.])  # negatives: d = -x
    loss_cls, loss_bbox = MultiBoxLoss()(logits, torch.zeros(1, 5, 4),
                                         anchors, [objects])
    # 1 positive -> the 3 hardest negatives (x = 2, 1, 0).
    expected = math.log(1 + math.exp(-1)) + sum(
        math.log(1 + math.exp(x)) for x in (2., 1., 0.))
    assert loss_cls.item() == pytest.approx(expected, rel=1e-5)
    assert loss_bbox.item() == 0  # the positive anchor is the box


def test_match_and_encode_follow_the_ssd_rule():
    anchors, gt, _, _, _ = _case()
    loss = MultiBoxLoss()
    matched = loss.match(anchors, gt)
    assert matched.tolist() == [1, 1] + [0] * 8
    labels, targets = loss.encode(anchors, matched, gt, BACKGROUND)
    assert labels.tolist() == [1, 1] + [BACKGROUND] * 8
    assert torch.allclose(targets[0], torch.zeros(4))
    assert torch.allclose(
        targets[1],
        torch.tensor([0., -1.875, 0., math.log(10 / 16) / 0.2]),
        atol=1e-5)
    assert torch.all(targets[2:] == 0)


def test_each_box_claims_its_best_anchor_even_below_the_threshold():
    anchors = torch.tensor([[0., 0., 10., 30.]] + _far_boxes(3))
    gt = InstanceData(bboxes=torch.tensor([[0., 0., 10., 10.]]),
                      labels=torch.tensor([0]))
    # IoU 1/3 < 0.5, but it is the box's best anchor.
    assert MultiBoxLoss().match(anchors, gt).tolist() == [1, 0, 0, 0]


def _many_negatives_case(num_positives, num_anchors=200, batch_size=2):
    torch.manual_seed(0)
    anchors = torch.tensor(_far_boxes(num_anchors))
    anchors[:num_positives] = torch.tensor([0., 0., 10., 10.])
    gts = [
        InstanceData(bboxes=torch.tensor([[0., 0., 10., 10.]]),
                     labels=torch.tensor([0])) for _ in range(batch_size)
    ]
    logits = torch.randn(batch_size, num_anchors, 3, requires_grad=True)
    offsets = torch.randn(batch_size, num_anchors, 4, requires_grad=True)
    return anchors, gts, logits, offsets


def test_hard_negative_mining_keeps_three_negatives_per_positive():
    anchors, gts, logits, offsets = _many_negatives_case(num_positives=5)
    loss_cls, _ = MultiBoxLoss(neg_pos_ratio=3)(logits, offsets, anchors, gts)
    loss_cls.backward()
    used = logits.grad.abs().sum(dim=-1) > 0
    # Per image: 5 positives and 15 negatives out of 195.
    assert used.sum(dim=1).tolist() == [20, 20]
    assert used[:, :5].all()

    # The kept negatives are the ones with the largest loss.
    with torch.no_grad():
        ce = -logits.log_softmax(-1)[..., BACKGROUND]
    for image in range(2):
        kept = ce[image, 5:][used[image, 5:]]
        dropped = ce[image, 5:][~used[image, 5:]]
        assert kept.min() >= dropped.max()


def test_mining_ratio_with_few_negatives_keeps_them_all():
    loss = MultiBoxLoss(neg_pos_ratio=3)
    positives = torch.tensor([[True, True, False, False, False]])
    negatives = ~positives
    kept = loss.mine_hard_negatives(torch.tensor([[9., 9., 1., 3., 2.]]),
                                    positives, negatives)
    assert kept.tolist() == [[False, False, True, True, True]]

    positives = torch.tensor([[True, False, False, False, False, False]])
    kept = loss.mine_hard_negatives(
        torch.tensor([[9., 1., 5., 3., 4., 2.]]), positives, ~positives)
    assert kept.tolist() == [[False, False, True, True, True, False]]


def test_losses_are_normalised_by_the_positives_of_the_batch():
    anchors, gt, logits, offsets, _ = _case()
    loss = MultiBoxLoss()
    one = loss(logits, offsets, anchors, [gt])
    # The same image twice: sums double, positives double -> same values.
    two = loss(logits.repeat(2, 1, 1), offsets.repeat(2, 1, 1), anchors,
               [gt, gt])
    assert torch.allclose(one[0], two[0]) and torch.allclose(one[1], two[1])


def test_invalid_anchors_take_no_part():
    anchors, gts, logits, offsets = _many_negatives_case(num_positives=5)
    valid = torch.ones(2, 200, dtype=torch.bool)
    valid[:, 3:5] = False     # two positives
    valid[:, 100:] = False    # half of the negatives
    loss_cls, loss_bbox = MultiBoxLoss(neg_pos_ratio=1000)(
        logits, offsets, anchors, gts, valid_mask=valid)
    (loss_cls + loss_bbox).backward()
    cls_used = logits.grad.abs().sum(dim=-1) > 0
    box_used = offsets.grad.abs().sum(dim=-1) > 0
    assert torch.equal(cls_used, valid)
    assert box_used[:, :3].all() and not box_used[:, 3:].any()


def test_an_image_without_objects_gives_finite_zero_losses():
    anchors = torch.tensor(_far_boxes(6))
    empty = InstanceData(bboxes=torch.zeros(0, 4),
                         labels=torch.zeros(0, dtype=torch.long))
    logits = torch.randn(1, 6, 3, requires_grad=True)
    offsets = torch.randn(1, 6, 4, requires_grad=True)
    loss_cls, loss_bbox = MultiBoxLoss()(logits, offsets, anchors, [empty])
    assert loss_cls.item() == 0 and loss_bbox.item() == 0
    (loss_cls + loss_bbox).backward()


def test_loss_weight_scales_both_terms():
    anchors, gt, logits, offsets, _ = _case()
    base = MultiBoxLoss()(logits, offsets, anchors, [gt])
    doubled = MultiBoxLoss(loss_weight=2.)(logits, offsets, anchors, [gt])
    assert torch.allclose(doubled[0], 2 * base[0])
    assert torch.allclose(doubled[1], 2 * base[1])


# ---------------------------------------------------- negative anchor filter
# The hand-built case of test_loss_matches_a_hand_computation: a0 and a1 are
# positives, a2..a9 negatives with CE log(e^x + 2), x = 4 .. -3. The masks
# below say which anchors the ARM called background with p > theta.

def _ce(x):
    return math.log(math.exp(x) + 2)


def test_filter_keeps_positives_above_theta_official_rule():
    """negative_mask: a1 (a positive) and a2, a3 (the two hardest
    negatives) are above theta. The positive keeps both its losses; the
    mined negatives are the 6 hardest of the 6 survivors a4..a9."""
    anchors, gt, logits, offsets, xs = _case()
    unsure = torch.ones(1, 10, dtype=torch.bool)
    unsure[0, [1, 2, 3]] = False
    loss_cls, loss_bbox = MultiBoxLoss(neg_pos_ratio=3)(
        logits, offsets, anchors, [gt], negative_mask=unsure)
    positives_ce = math.log(3) + math.log(2)
    expected_cls = (positives_ce + sum(_ce(x) for x in xs[2:])) / 2
    assert loss_cls.item() == pytest.approx(expected_cls, rel=1e-5)
    a1 = (1.875 - 0.5) + (-math.log(10 / 16) / 0.2 - 0.5)
    assert loss_bbox.item() == pytest.approx((1.75 + a1) / 2, rel=1e-5)


def test_valid_mask_drops_positives_too_the_ablation_rule():
    """The same mask as valid_mask (negative_anchor_filter='all'): a1 is
    gone as a positive, so one positive, 3 negatives (x = 2, 1, 0), and the
    box loss is a0's alone."""
    anchors, gt, logits, offsets, xs = _case()
    keep = torch.ones(1, 10, dtype=torch.bool)
    keep[0, [1, 2, 3]] = False
    loss_cls, loss_bbox = MultiBoxLoss(neg_pos_ratio=3)(
        logits, offsets, anchors, [gt], valid_mask=keep)
    expected_cls = math.log(3) + sum(_ce(x) for x in (2., 1., 0.))
    assert loss_cls.item() == pytest.approx(expected_cls, rel=1e-5)
    assert loss_bbox.item() == pytest.approx(1.75, rel=1e-5)


def test_mining_counts_only_the_negatives_that_survive_the_filter():
    """Six of the eight negatives are filtered: 3 x 2 positives would ask
    for 6, only a8 and a9 (x = -2, -3) are left, and both are mined; the
    filtered ones get no gradient even though they are the hardest."""
    anchors, gt, logits, offsets, xs = _case()
    logits.requires_grad_()
    unsure = torch.ones(1, 10, dtype=torch.bool)
    unsure[0, 2:8] = False
    loss_cls, _ = MultiBoxLoss(neg_pos_ratio=3)(
        logits, offsets, anchors, [gt], negative_mask=unsure)
    expected = (math.log(3) + math.log(2) + _ce(-2.) + _ce(-3.)) / 2
    assert loss_cls.item() == pytest.approx(expected, rel=1e-5)
    loss_cls.backward()
    used = (logits.grad.abs().sum(dim=-1) > 0)[0].tolist()
    assert used == [True, True] + [False] * 6 + [True, True]
