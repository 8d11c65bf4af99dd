"""RefineDetHead: the anchors, the two-step encode/decode, negative anchor
filtering in training and at inference, and the post-processing limits."""
import math

import pytest
import torch
from mmengine.structures import InstanceData
from mmdet.registry import MODELS
from mmdet.structures import DetDataSample

import custom_modules  # noqa: F401  (registers the RefineDet classes)

THETA = 0.99
IMAGE = 64
CELLS = (8, 4, 2, 1)  # a 64x64 image at strides 8..64
NUM_ANCHORS = (64 + 16 + 4 + 1) * 3


def _head(num_classes=3, odm_neg_pos_ratio=3, **test_cfg):
    torch.manual_seed(0)
    cfg = dict(
        type='RefineDetHead',
        num_classes=num_classes,
        arm=dict(type='AnchorRefinementModule', in_channels=(8, 8, 8, 8)),
        odm=dict(type='ObjectDetectionModule', in_channels=(8, 8, 8, 8)),
        loss_odm=dict(type='MultiBoxLoss', neg_pos_ratio=odm_neg_pos_ratio))
    if test_cfg:
        cfg['test_cfg'] = test_cfg
    head = MODELS.build(cfg)
    head.init_weights()
    return head


def _level_maps(channels_per_anchor, batch_size=1, fill=None):
    """Per-level (B, 3*K, H, W) maps, random unless ``fill`` is given."""
    maps = []
    for cells in CELLS:
        shape = (batch_size, 3 * channels_per_anchor, cells, cells)
        maps.append(torch.randn(shape) if fill is None else
                    torch.full(shape, float(fill)))
    return maps


def _unflatten(flat):
    """Inverse of RefineDetHead.flatten_levels for (B, N, K) tensors."""
    batch_size, _, k = flat.shape
    maps, start = [], 0
    for cells in CELLS:
        n = cells * cells * 3
        level = flat[:, start:start + n].reshape(batch_size, cells, cells,
                                                 3 * k)
        maps.append(level.permute(0, 3, 1, 2).contiguous())
        start += n
    return maps


def _arm_logits_with_background(probability):
    """(B, N) background probabilities -> (B, N, 2) logits
    (object, background) whose softmax gives them back."""
    logit = torch.log(probability) - torch.log1p(-probability)
    return torch.stack([torch.zeros_like(logit), logit], dim=-1)


# ------------------------------------------------------------------ anchors
@pytest.mark.parametrize('size, expected', [(320, 6375), (512, 16320)])
def test_anchor_count_matches_the_paper(size, expected):
    head = _head()
    cells = [math.ceil(size / s) for s in (8, 16, 32, 64)]
    anchors = head.anchors([(c, c) for c in cells], 'cpu')
    assert anchors.shape == (expected, 4)


def test_anchors_are_4x_stride_with_three_ratios_centred_in_cells():
    head = _head()
    per_level = head.prior_generator.grid_priors([(c, c) for c in CELLS],
                                                 device='cpu')
    for stride, anchors in zip((8, 16, 32, 64), per_level):
        first_cell = anchors[:3]
        w = first_cell[:, 2] - first_cell[:, 0]
        h = first_cell[:, 3] - first_cell[:, 1]
        # Area (4 stride)^2 for every ratio h/w in {0.5, 1, 2}.
        assert torch.allclose(w * h, torch.full((3, ), (4. * stride)**2))
        assert sorted((h / w).tolist()) == pytest.approx([0.5, 1., 2.])
        centre = (first_cell[:, :2] + first_cell[:, 2:]) / 2
        assert torch.allclose(centre, torch.full((3, 2), stride / 2))


def test_flatten_follows_the_anchor_order():
    head = _head()
    flat = torch.randn(2, NUM_ANCHORS, 5)
    assert torch.equal(head.flatten_levels(_unflatten(flat), 5), flat)


# ----------------------------------------------------- two-step regression
def test_odm_targets_round_trip_through_the_refined_anchors():
    head = _head()
    torch.manual_seed(1)
    anchors = head.anchors([(c, c) for c in CELLS], 'cpu')
    arm_offsets = 0.5 * torch.randn(1, NUM_ANCHORS, 4)
    refined = head.refine_anchors(anchors, arm_offsets)
    assert refined.shape == (1, NUM_ANCHORS, 4)

    gt = InstanceData(bboxes=torch.tensor([[5., 7., 40., 30.],
                                           [30., 20., 60., 62.]]),
                      labels=torch.tensor([0, 2]))
    matched = head.loss_odm.match(refined[0], gt)
    labels, targets = head.loss_odm.encode(refined[0], matched, gt,
                                           background=3)
    positive = matched > 0
    assert positive.sum() >= 2

    # anchor --ARM--> refined anchor --ODM target--> the ground-truth box.
    twice = head.bbox_coder.decode(
        head.bbox_coder.decode(anchors[positive], arm_offsets[0][positive]),
        targets[positive])
    assert torch.allclose(twice, gt.bboxes[matched[positive] - 1], atol=1e-3)
    # The targets are relative to the refined anchors, not the raw ones.
    raw = head.bbox_coder.encode(anchors[positive],
                                 gt.bboxes[matched[positive] - 1])
    assert not torch.allclose(raw, targets[positive])


def test_arm_offsets_get_no_gradient_from_the_odm_loss():
    head = _head()
    arm_offsets = [m.requires_grad_() for m in _level_maps(4)]
    odm_scores = [m.requires_grad_() for m in _level_maps(4)]
    odm_offsets = [m.requires_grad_() for m in _level_maps(4)]
    gt = InstanceData(bboxes=torch.tensor([[4., 4., 40., 40.]]),
                      labels=torch.tensor([1]))
    losses = head.loss_by_feat(_level_maps(2), arm_offsets, odm_scores,
                               odm_offsets, [gt],
                               [dict(img_shape=(IMAGE, IMAGE))])
    assert set(losses) == {'loss_arm_cls', 'loss_arm_bbox', 'loss_odm_cls',
                           'loss_odm_bbox'}
    assert all(torch.isfinite(v) for v in losses.values())
    odm_loss = losses['loss_odm_cls'] + losses['loss_odm_bbox']
    # The refined anchors are reference boxes: the ODM loss reaches the ODM
    # outputs but not the ARM offsets they were decoded from.
    grads = torch.autograd.grad(odm_loss, arm_offsets + odm_scores,
                                allow_unused=True)
    assert all(g is None for g in grads[:4])
    assert all(g is not None for g in grads[4:])
    arm_loss = losses['loss_arm_bbox']
    assert all(g is not None for g in torch.autograd.grad(
        arm_loss, arm_offsets))


# ------------------------------------------------- negative anchor filtering
def _background_probabilities():
    """One (1, N) tensor: a mix of confident negatives just above and far
    above theta, and anchors just below and far below it."""
    torch.manual_seed(2)
    choices = torch.tensor([0.3, 0.9, 0.9899, 0.9901, 0.995, 0.9999])
    return choices[torch.randint(len(choices), (1, NUM_ANCHORS))]


def _odm_gradient_use(rule):
    """Which anchors get ODM classification gradient, and which are the
    ODM's positives, under ``negative_anchor_filter=rule``. With an
    unbounded negative:positive ratio every candidate negative is mined."""
    head = _head(odm_neg_pos_ratio=10**6)
    head.negative_anchor_filter = rule
    background = _background_probabilities()
    arm_objectness = _unflatten(_arm_logits_with_background(background))
    arm_offsets = _level_maps(4)
    odm_scores = [m.requires_grad_() for m in _level_maps(4)]
    gt = InstanceData(bboxes=torch.tensor([[8., 8., 40., 40.]]),
                      labels=torch.tensor([1]))
    losses = head.loss_by_feat(arm_objectness, arm_offsets, odm_scores,
                               _level_maps(4), [gt],
                               [dict(img_shape=(IMAGE, IMAGE))])
    losses['loss_odm_cls'].backward()
    grads = head.flatten_levels([s.grad for s in odm_scores], 4)
    refined = head.refine_anchors(
        head.anchors([(c, c) for c in CELLS], 'cpu'),
        head.flatten_levels(arm_offsets, 4))
    positives = head.loss_odm.match(refined[0], gt)[None] > 0
    return grads.abs().sum(dim=-1) > 0, background <= THETA, positives


def test_training_filter_removes_only_negatives_above_theta():
    # The official release's rule (bbox_util.cpp, MineHardExamples): a
    # negative above theta is not mined, every positive keeps its loss.
    used, unsure, positives = _odm_gradient_use('negatives')
    assert (positives & ~unsure).any(), 'the case needs a filtered positive'
    assert torch.equal(used, unsure | positives)
    assert 0 < used.sum() < NUM_ANCHORS


def test_training_filter_all_removes_positives_too():
    used, unsure, positives = _odm_gradient_use('all')
    assert torch.equal(used, unsure)


def test_filtering_every_anchor_keeps_the_positives_loss():
    """The ARM calls every anchor background (0.999 > theta). The official
    rule still trains the ODM on its positives with the box loss it would
    have had unfiltered, and mines no negative; the 'all' rule trains
    nothing."""
    head = _head()
    arm_offsets = _level_maps(4)
    odm_scores, odm_offsets = _level_maps(4), _level_maps(4)
    gt = InstanceData(bboxes=torch.tensor([[8., 8., 40., 40.]]),
                      labels=torch.tensor([1]))
    meta = [dict(img_shape=(IMAGE, IMAGE))]

    def losses(background):
        arm = _unflatten(_arm_logits_with_background(
            torch.full((1, NUM_ANCHORS), background)))
        return head.loss_by_feat(arm, arm_offsets, odm_scores, odm_offsets,
                                 [gt], meta)
    unfiltered, filtered = losses(0.5), losses(0.999)
    assert filtered['loss_odm_bbox'] > 0
    assert torch.allclose(filtered['loss_odm_bbox'],
                          unfiltered['loss_odm_bbox'])
    # Classification: positives only, so below the unfiltered value, which
    # adds 3 mined negatives per positive.
    assert 0 < filtered['loss_odm_cls'] < unfiltered['loss_odm_cls']
    head.negative_anchor_filter = 'all'
    dropped = losses(0.999)
    assert dropped['loss_odm_cls'] == 0 and dropped['loss_odm_bbox'] == 0


def test_unknown_filter_rule_is_refused():
    with pytest.raises(ValueError, match="negative_anchor_filter must be"):
        MODELS.build(dict(type='RefineDetHead', num_classes=3,
                          negative_anchor_filter='positives'))


def test_priors_are_not_clipped_like_the_official_release():
    """clip = False in the official recipes: at 320 px the border anchors
    of the coarse levels reach outside the image, unchanged."""
    head = _head()
    anchors = head.anchors([(40, 40), (20, 20), (10, 10), (5, 5)], 'cpu')
    assert anchors.shape == (6375, 4)
    # The widest anchor of the coarsest level: 256 px at aspect 1:2 is
    # 256 * sqrt(2) = 362 px wide, centred at 32 px (the first stride-64
    # cell) and at 288 px (the last).
    half_width = 256 * math.sqrt(2) / 2
    assert anchors[:, 0].min().item() == pytest.approx(32 - half_width,
                                                       abs=1e-3)
    assert anchors[:, 2].max().item() == pytest.approx(288 + half_width,
                                                       abs=1e-3)
    assert ((anchors < 0) | (anchors > 320)).any(dim=1).sum() > 0


def test_inference_drops_exactly_the_anchors_at_or_above_theta():
    # One class, zero offsets, ODM scores increasing with the anchor index:
    # every surviving anchor yields exactly one detection, equal to the
    # anchor (clipped to the image), in order of decreasing index.
    head = _head(num_classes=1, nms_pre=-1, score_thr=0., min_bbox_size=-1,
                 nms=dict(type='nms', iou_threshold=0.45), max_per_img=10**6)
    background = _background_probabilities()
    arm_objectness = _unflatten(_arm_logits_with_background(background))
    object_logit = torch.linspace(-2., 2., NUM_ANCHORS)
    odm_scores = _unflatten(
        torch.stack([object_logit, torch.zeros(NUM_ANCHORS)], -1)[None])
    zeros = _level_maps(4, fill=0.)
    [result] = head.predict_by_feat(
        arm_objectness, zeros, odm_scores, zeros,
        batch_img_metas=[dict(img_shape=(IMAGE, IMAGE))], with_nms=False)

    kept = (background[0] < THETA).nonzero().squeeze(1)
    assert len(result) == len(kept)
    anchors = head.anchors([(c, c) for c in CELLS], 'cpu')
    expected = anchors[kept.flip(0)].clamp(0, IMAGE)
    assert torch.allclose(result.bboxes, expected, atol=1e-4)
    assert (result.labels == 0).all()


# ------------------------------------------------------------ post-process
def test_predict_respects_nms_pre_and_max_per_img():
    head = _head(num_classes=3, nms_pre=50, score_thr=0., min_bbox_size=0,
                 nms=dict(type='nms', iou_threshold=0.45), max_per_img=7)
    fill_background = _unflatten(_arm_logits_with_background(
        torch.full((2, NUM_ANCHORS), 0.5)))
    metas = [dict(img_shape=(IMAGE, IMAGE), scale_factor=(2., 2.))] * 2
    args = (fill_background, _level_maps(4, 2), _level_maps(4, 2),
            _level_maps(4, 2))
    results = head.predict_by_feat(*args, batch_img_metas=metas)
    assert len(results) == 2
    for result in results:
        assert 0 < len(result) <= 7
        assert result.bboxes.min() >= 0 and result.bboxes.max() <= IMAGE
        assert set(result.labels.tolist()) <= {0, 1, 2}
        assert torch.all(result.scores[:-1] >= result.scores[1:])

    before_nms = head.predict_by_feat(*args, batch_img_metas=metas,
                                      with_nms=False)
    assert all(len(r) == 50 for r in before_nms)
    # rescale maps back to the original image (scale factor 2).
    rescaled = head.predict_by_feat(*args, batch_img_metas=metas,
                                    rescale=True, with_nms=False)
    assert torch.allclose(rescaled[0].bboxes, before_nms[0].bboxes / 2)


def test_odm_regression_ablation_boxes_with_the_refined_anchors():
    """test_cfg.odm_regression=False keeps the ODM's scores and labels but
    puts them on the ARM-refined anchors: the second decoding is skipped,
    nothing else changes."""
    base = dict(num_classes=3, nms_pre=20, score_thr=0., min_bbox_size=0,
                nms=dict(type='nms', iou_threshold=0.45), max_per_img=20)
    torch.manual_seed(1)
    args = (_level_maps(2), _level_maps(4, fill=0.), _level_maps(4),
            _level_maps(4))
    metas = [dict(img_shape=(IMAGE, IMAGE), scale_factor=(1., 1.))]
    both = _head(**base).predict_by_feat(*args, batch_img_metas=metas,
                                         with_nms=False)[0]
    arm_only = _head(**base, odm_regression=False).predict_by_feat(
        *args, batch_img_metas=metas, with_nms=False)[0]
    assert torch.equal(both.scores, arm_only.scores)
    assert torch.equal(both.labels, arm_only.labels)
    # Zero ARM offsets: the refined anchors are the tiled anchors, so the
    # ablated boxes are tiled anchors (clipped) and the real ones are not.
    anchors = _head().anchors([(c, c) for c in CELLS], 'cpu').clamp(0, IMAGE)
    gap = (arm_only.bboxes[:, None] - anchors[None]).abs().amax(-1)
    assert gap.amin(-1).max() < 1e-4
    assert not torch.allclose(both.bboxes, arm_only.bboxes)


def test_head_predicts_without_a_loss_cls_attribute():
    """mmdet #11780: the base class's inference reads self.loss_cls. This
    head has none and must not need it."""
    head = _head()  # the default test_cfg: top 400, NMS 0.45, keep 200
    assert not hasattr(head, 'loss_cls')
    assert head.test_cfg.nms_pre == 400 and head.test_cfg.max_per_img == 200
    feats = ([torch.rand(1, 8, c, c) for c in CELLS], ) * 2
    sample = DetDataSample(
        metainfo=dict(img_shape=(IMAGE, IMAGE), scale_factor=(1., 1.)))
    results = head.predict(feats, [sample])
    assert len(results) == 1 and len(results[0]) <= 200
