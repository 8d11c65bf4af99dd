"""Cascade R-CNN stage analysis: the per-step IoU lists and first choices
against hand-computed boxes, and the boxes of a real Cascade R-CNN built
through the registry, whose last step holds every box the detector
predicts."""
import pytest
import torch

from conftest import REPO, shapes_overrides
from custom_modules.analysis import box_steps
from custom_modules.analysis import cascade_stages as cs


def test_steps_are_the_proposals_then_one_per_stage():
    assert [k for k, _ in cs.steps_of(3)] == [
        'proposal', 'stage1', 'stage2', 'stage3']


def test_image_stats_by_hand():
    gt = torch.tensor([[0., 0., 10., 10.], [100., 100., 110., 130.]])
    labels = torch.tensor([1, 0])
    keys = ['proposal', 'stage1']
    proposals = torch.tensor([[0., 0., 10., 20.],      # 0.5 with object 0
                              [0., 0., 10., 12.5],     # 0.8 with object 0
                              [100., 100., 110., 120.],  # 2/3 with object 1
                              [50., 50., 60., 60.]])   # nothing
    stage1 = torch.tensor([[0., 0., 10., 10.], [0., 0., 10., 20.],
                           [100., 100., 110., 130.], [0., 0., 10., 10.]])
    # Proposal 1 scores highest for object 0's class, proposal 0 second.
    probability = torch.tensor([[0.1, 0.6], [0.2, 0.9], [0.7, 0.1],
                                [0.9, 0.95]])
    s = cs.image_stats([proposals, stage1], keys, gt,
                       torch.tensor([100., 2000.]), probability, labels)
    assert s['all_proposal'] == pytest.approx([0.5, 0.8, 2 / 3, 0.0])
    # Proposal 3 lands on object 0 after stage 1: the distribution counts
    # it, the followed set (decided on the proposals) does not.
    assert s['all_stage1'] == pytest.approx([1.0, 0.5, 1.0, 1.0])
    assert s['iou_proposal'] == pytest.approx([0.5, 0.8, 2 / 3])
    assert s['iou_stage1'] == pytest.approx([1.0, 0.5, 1.0])
    assert s["pos_area"] == [100., 100., 2000.]
    assert s['top_iou_proposal'] == pytest.approx([0.8, 2 / 3])
    assert s['top_iou_stage1'] == pytest.approx([0.5, 1.0])

    summary = cs.summarise(box_steps.merge([s]), cs.steps_of(1))
    dist = {r['step']: r for r in summary['distribution']}
    assert dist['RPN proposal']['share_0.5'] == 0.75
    assert dist['after stage 1']['share_0.9'] == 0.75
    assert summary['followed_rows'][1]['mean_iou'] == pytest.approx(2.5 / 3)
    assert summary['proposals'] == 4 and summary['followed'] == 3
    page = cs.render_markdown(dict(summary, images=1), {'cpu': 'x'}, 'cmd',
                              't')
    assert '| after stage 1 | 0.833 | 0.750 | 1.000 | – | 100.0 |' in page


def test_real_cascade_last_step_holds_every_prediction(tiny_shapes):
    model, loader = cs.build(f'{REPO}/configs/cascade_rcnn_r50_fpn.py', None,
                             shapes_overrides(tiny_shapes))
    batch = next(iter(loader))
    outs = cs.stage_boxes(model, batch)
    assert len(outs[0]['steps']) == 4
    assert len({len(step) for step in outs[0]['steps']}) == 1
    data = model.data_preprocessor(batch, training=False)
    with torch.no_grad():
        preds = model.predict(data['inputs'], data['data_samples'],
                              rescale=False)
    for out, pred in zip(outs, preds):
        boxes = pred.pred_instances.bboxes
        assert len(boxes) > 0
        gap = (boxes[:, None] - out['steps'][-1][None]).abs().amax(-1)
        assert gap.amin(-1).max() < 1e-3


def test_single_stage_config_is_refused_in_one_line():
    from custom_modules.errors import UserError
    with pytest.raises(UserError, match='Give a Cascade R-CNN config'):
        cs.build(f'{REPO}/configs/faster_rcnn_r50_fpn.py', None)
