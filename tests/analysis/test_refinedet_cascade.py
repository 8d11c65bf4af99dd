"""RefineDet's cascade analysis: the ARM matching rule, the per-step IoUs,
the ODM positives and the filter's accounting against hand-computed values,
and the cascade outputs of a real RefineDet320 built through the registry."""
import math

import pytest
import torch

from conftest import REPO, shapes_overrides
from custom_modules.analysis import refinedet_cascade as rc


def test_arm_matching_takes_threshold_matches_and_each_objects_best():
    gt = torch.tensor([[0., 0., 10., 10.], [100., 100., 110., 130.]])
    anchors = torch.tensor([
        [0., 0., 10., 10.],       # IoU 1 with object 0
        [0., 0., 10., 20.],       # 100/200 = 0.5 with object 0: positive
        [5., 0., 15., 10.],       # 1/3 with object 0: negative
        [100., 100., 110., 110.],  # 100/300 with object 1: its best, forced
        [50., 50., 60., 60.],     # nothing
    ])
    positive, owner = rc.arm_positives(anchors, gt, 0.5)
    assert positive.tolist() == [0, 1, 3]
    assert owner.tolist() == [0, 0, 1]
    empty, _ = rc.arm_positives(anchors, torch.zeros(0, 4))
    assert empty.numel() == 0


def test_image_stats_follow_each_positive_through_the_steps():
    gt = torch.tensor([[0., 0., 10., 10.], [100., 100., 110., 130.]])
    anchors = torch.tensor([[0., 0., 10., 20.],       # 0.5 with object 0
                            [100., 100., 110., 110.],  # 1/3, object 1's best
                            [50., 50., 60., 60.],      # background
                            [200., 200., 210., 210.]])  # background
    # The ARM puts anchor 0 exactly on its object and moves anchor 1 to
    # 20 of object 1's 30 rows (IoU 2/3); anchor 2 lands on object 0 too.
    refined = torch.tensor([[0., 0., 10., 10.], [100., 100., 110., 120.],
                            [0., 0., 10., 10.], [200., 200., 210., 210.]])
    # The ODM finishes object 1 and spoils object 0 to a 10x20 box.
    final = torch.tensor([[0., 0., 10., 20.], [100., 100., 110., 130.],
                          [0., 0., 10., 10.], [200., 200., 210., 210.]])
    # Anchor 1 (a positive) and anchor 3 (background) are filtered.
    background = torch.tensor([0.1, 0.995, 0.5, 0.99])
    s = rc.image_stats(anchors, refined, final, background, gt,
                       gt_area=torch.tensor([100., 300.]))
    assert s['iou_anchor'] == pytest.approx([0.5, 1 / 3])
    assert s['iou_arm'] == pytest.approx([1.0, 2 / 3])
    assert s['iou_odm'] == pytest.approx([0.5, 1.0])
    assert s['pos_filtered'] == [False, True]
    assert s['arm_positives'] == [1, 1]
    # Surviving refined anchors 0 and 2 both sit on object 0; object 1's
    # only refined anchor was filtered, and it has no other ARM positive.
    assert s['odm_positives'] == [2, 0]
    assert s['object_lost'] == [False, True]
    assert s['background'] == [2] and s['background_filtered'] == [1]
    assert s['kept'] == [2]

    summary = rc.summarise(rc.merge([s, s]))
    arm = summary['steps'][1]
    assert arm['mean_iou'] == pytest.approx((1 + 2 / 3) / 2)
    assert arm['share_0.7'] == 0.5 and arm['share_0.5'] == 1.0
    assert arm['mean_iou_small'] == pytest.approx(5 / 6)
    assert math.isnan(arm['mean_iou_large'])
    rows = {r['size']: r for r in summary['objects']}
    assert rows['all']['objects'] == 4
    assert rows['all']['odm_positives'] == 1.0
    assert rows['all']['no_odm_positive'] == 0.5
    assert rows['all']['lost'] == 0.5
    assert rows['large']['objects'] == 0
    assert summary['background_filtered'] == 0.5
    assert summary['positives_filtered'] == 0.5
    assert summary['kept_per_image'] == 2


def test_first_choice_is_the_highest_scoring_odm_positive_of_the_class():
    gt = torch.tensor([[0., 0., 10., 10.], [100., 100., 110., 130.]])
    labels = torch.tensor([1, 0])
    anchors = torch.tensor([[0., 0., 10., 20.], [0., 0., 20., 10.],
                            [100., 100., 110., 110.],
                            [200., 200., 210., 210.]])
    refined = torch.tensor([[0., 0., 10., 10.], [0., 0., 10., 12.],
                            [100., 100., 110., 120.],
                            [200., 200., 210., 210.]])
    final = torch.tensor([[0., 0., 10., 20.], [0., 0., 10., 10.],
                          [100., 100., 110., 130.],
                          [200., 200., 210., 210.]])
    # Anchor 3 scores highest for both classes but covers no object; for
    # object 0 (class 1) anchor 1 beats anchor 0.
    probability = torch.tensor([[0.1, 0.6], [0.2, 0.9], [0.7, 0.1],
                                [0.9, 0.95]])
    everything = torch.ones(4, dtype=torch.bool)
    top = rc.first_choices(anchors, refined, final, everything, gt,
                           torch.tensor([100., 300.]), probability, labels)
    assert top['top_iou_anchor'] == pytest.approx([0.5, 1 / 3])
    assert top['top_iou_arm'] == pytest.approx([100 / 120, 2 / 3])
    assert top['top_iou_odm'] == pytest.approx([1.0, 1.0])
    # Filter anchor 1 out: object 0 falls back to anchor 0.
    everything[1] = False
    top = rc.first_choices(anchors, refined, final, everything, gt,
                           torch.tensor([100., 300.]), probability, labels)
    assert top['top_iou_odm'] == pytest.approx([0.5, 1.0])
    # Without an ODM positive an object has no first choice.
    top = rc.first_choices(anchors, refined, final,
                           torch.tensor([True, True, False, True]), gt,
                           torch.tensor([100., 300.]), probability, labels)
    assert len(top['top_area']) == 1


def test_markdown_page_has_one_row_per_step(tmp_path):
    gt = torch.tensor([[0., 0., 40., 40.]])
    anchors = torch.tensor([[0., 0., 40., 48.], [80., 80., 90., 90.]])
    s = rc.summarise(rc.image_stats(anchors, anchors, anchors,
                                    torch.tensor([0., 1.]), gt,
                                    torch.tensor([1600.])))
    page = rc.render_markdown(s, {'cpu': 'x'}, 'cmd', 'tiny', 'a.png')
    for _, label in rc.STEPS:
        assert f'| {label} | 0.833 |' in page
    assert '| medium | 1 | 1.00 | 1.00 | 0.0 | 0.0 |' in page
    assert '| 1 | 100.0 | 0.0 |' in page
    assert page.rstrip().endswith('(a.png)')


def test_real_refinedet_outputs_decode_through_the_models_own_coder(
        tiny_shapes):
    model, loader = rc.build(f'{REPO}/configs/refinedet320.py', None,
                             shapes_overrides(tiny_shapes))
    batch = next(iter(loader))
    outs = rc.cascade_outputs(model, batch)
    assert len(outs) == len(batch['data_samples'])
    one = outs[0]
    assert one['anchors'].shape == one['refined'].shape == (6375, 4)
    assert one['background'].shape == (6375,)
    assert ((one['background'] >= 0) & (one['background'] <= 1)).all()
    # Ground truth in the 320x320 input: scaled from the original image.
    sx, sy = one['scale']
    ann = batch['data_samples'][0].gt_instances.bboxes
    raw = getattr(ann, 'tensor', ann)
    assert torch.allclose(one['gt'][:, 0], raw[:, 0] * sx)
    assert torch.allclose(one['gt'][:, 3], raw[:, 3] * sy)
    # The tool's final boxes are the boxes the head predicts from: every
    # candidate detection (before NMS) is one of them, clipped to the image.
    from mmengine.config import ConfigDict
    head = model.bbox_head
    data = model.data_preprocessor(batch, training=False)
    with torch.no_grad():
        raw_outs = head(model.extract_feat(data['inputs']))
        dets = head.predict_by_feat(
            *raw_outs, batch_img_metas=[s.metainfo
                                        for s in data['data_samples']],
            cfg=ConfigDict(nms_pre=30, score_thr=0, min_bbox_size=0,
                           max_per_img=30), rescale=False, with_nms=False)
    h, w = one['img_shape']
    kept = one['background'] < head.negative_anchor_thr
    boxes = one['final'][kept].clone()
    boxes[:, 0::2] = boxes[:, 0::2].clamp(0, w)
    boxes[:, 1::2] = boxes[:, 1::2].clamp(0, h)
    assert len(dets[0].bboxes) == 30
    gap = (dets[0].bboxes[:, None] - boxes[None]).abs().amax(-1).amin(-1)
    assert gap.max() < 1e-3


def test_non_refinedet_config_is_refused_in_one_line():
    from custom_modules.errors import UserError
    with pytest.raises(UserError, match='head is PredictableSSDHead'):
        rc.build(f'{REPO}/configs/ssd300.py', None)
