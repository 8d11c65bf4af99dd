"""Anchor coverage: feature-map sizes, IoU matching and the per-size summary
against hand-computed values, and the anchor counts of the real configs
(the RefineDet paper's 6,375 and 16,320, SSD300's 8,732)."""
import math

import pytest
import torch
from mmengine.config import Config

from conftest import REPO
from custom_modules.analysis import anchor_coverage as ac


def test_featmap_sizes_match_ssd300_and_tuple_strides():
    assert ac.featmap_sizes((300, 300), [8, 16, 32, 64, 100, 300]) == [
        (38, 38), (19, 19), (10, 10), (5, 5), (3, 3), (1, 1)]
    # (w, h) strides, as mmdet's generators store them; a 192x256 input.
    assert ac.featmap_sizes((192, 256), [(8, 8), (16, 16)]) == [
        (24, 32), (12, 16)]


@pytest.mark.parametrize('config,size,count', [
    ('configs/ssd300.py', 300, 8732),
    ('configs/refinedet320.py', 320, 6375),
    ('configs/refinedet512.py', 512, 16320),
])
def test_real_configs_tile_the_published_anchor_counts(config, size, count):
    from mmdet.registry import TASK_UTILS
    from mmdet.utils import register_all_modules
    register_all_modules()
    cfg = Config.fromfile(f'{REPO}/{config}')
    head, gen_cfg = ac.head_with_anchors(cfg.model)
    assert head == 'bbox_head'
    gen = TASK_UTILS.build(gen_cfg)
    anchors = gen.grid_priors(ac.featmap_sizes((size, size), gen.strides),
                              device='cpu')
    assert sum(len(a) for a in anchors) == count


def test_match_stats_by_hand():
    gt = torch.tensor([[0., 0., 10., 10.], [100., 100., 110., 110.]])
    anchors = torch.tensor([
        [0., 0., 10., 10.],    # IoU 1
        [0., 0., 10., 20.],    # 100 / 200 = 0.5: a positive at >= 0.5
        [5., 0., 15., 10.],    # 50 / 150 = 1/3
    ])
    best, pos = ac.match_stats(gt, anchors, 0.5)
    assert best.tolist() == [1.0, 0.0]
    assert pos.tolist() == [2, 0]
    best, pos = ac.match_stats(gt, anchors, 0.6)
    assert pos.tolist() == [1, 0]


def test_summary_by_coco_size_bucket():
    rows = {r['size']: r for r in ac.summarise(
        best_iou=[0.4, 0.6, 0.9], positives=[0, 2, 5],
        areas=[100., 2000., 10000.], pos_iou=0.5)}
    assert rows['small']['objects'] == 1
    assert rows['small']['reached'] == 0 and rows['small']['no_positive'] == 1
    assert rows['medium']['mean_positives'] == 2
    assert rows['large']['mean_best_iou'] == pytest.approx(0.9)
    assert rows['all']['reached'] == pytest.approx(2 / 3)
    assert rows['all']['mean_positives'] == pytest.approx(7 / 3)
    assert rows['all']['median_positives'] == 2
    assert rows['all']['mean_best_iou'] == pytest.approx(1.9 / 3)


def test_empty_bucket_and_empty_image():
    rows = ac.summarise([0.7], [3], [50.], 0.5)
    assert rows[1] == dict(size='medium', objects=0)
    best, pos = ac.match_stats(torch.zeros(0, 4), torch.ones(3, 4), 0.5)
    assert len(best) == 0 and len(pos) == 0


def test_positive_threshold_is_the_assigners():
    ssd = Config.fromfile(f'{REPO}/configs/ssd300.py')
    faster = Config.fromfile(f'{REPO}/configs/faster_rcnn_r50_fpn.py')
    assert ac.positive_iou_of(ssd) == 0.5
    assert ac.positive_iou_of(faster) == 0.7
    assert ac.head_with_anchors(faster.model)[0] == 'rpn_head'
    refinedet = Config.fromfile(f'{REPO}/configs/refinedet320.py')
    refinedet.merge_from_dict(
        {'model.bbox_head.loss_arm.assigner.pos_iou_thr': 0.6})
    assert ac.positive_iou_of(refinedet) == 0.6


def test_anchor_free_model_is_refused_with_its_type():
    from custom_modules.errors import UserError
    with pytest.raises(UserError, match='FCOS has no bbox_head or rpn_head'):
        ac.head_with_anchors(dict(type='FCOS', bbox_head=dict(type='FCOSHead')))


def test_markdown_row():
    result = dict(config='configs/ssd300.py', options={'a.b.scale': 3},
                  head='bbox_head', anchors=[8732], pos_iou=0.5,
                  rows=ac.summarise([0.4, 0.6], [0, 2], [100., 2000.], 0.5))
    md = ac.render_markdown([result], {'cpu': 'x'}, 'cmd')
    assert ('| ssd300 scale=3 | bbox_head | 8732 | 0.5 | all | 2 | 50.0% | '
            '1.00 | 1 | 50.0% | 0.500 |') in md
    assert math.isfinite(result['rows'][-1]['mean_best_iou'])
