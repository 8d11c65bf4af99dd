"""The shared bookkeeping of the box-refinement analyses: COCO size
buckets at their boundaries, step rows by hand, and ground truth scaled into
the network's input pixels."""
import math

import pytest
import torch
from mmdet.structures import DetDataSample
from mmengine.structures import InstanceData

from custom_modules.analysis import box_steps as bs


def test_size_buckets_follow_cocoeval_boundaries():
    assert bs.size_of(32 ** 2 - 1) == 'small'
    assert bs.size_of(32 ** 2) == 'medium'
    assert bs.size_of(96 ** 2) == 'large'


def test_step_rows_by_hand():
    stats = dict(iou_a=[0.4, 0.8], iou_b=[0.95, 0.6])
    rows = bs.step_rows(stats, 'iou_', [100., 5000.],
                        [('a', 'before'), ('b', 'after')], (0.5, 0.9))
    assert [r['step'] for r in rows] == ['before', 'after']
    assert rows[0]['mean_iou'] == pytest.approx(0.6)
    assert rows[0]['share_0.5'] == 0.5 and rows[1]['share_0.9'] == 0.5
    assert rows[1]['mean_iou_small'] == pytest.approx(0.95)
    assert rows[1]['mean_iou_medium'] == pytest.approx(0.6)
    assert math.isnan(rows[1]['mean_iou_large'])
    empty = bs.step_rows(dict(iou_a=[]), 'iou_', [], [('a', 'x')], (0.5,))
    assert math.isnan(empty[0]['mean_iou'])
    assert bs.step_table(empty, (0.5,))[-1] == '| x | – | – | – | – | – |'


def test_ground_truth_is_scaled_into_the_input():
    sample = DetDataSample(metainfo=dict(scale_factor=(2.0, 0.5)))
    sample.gt_instances = InstanceData(
        bboxes=torch.tensor([[10., 20., 30., 40.]]))
    assert bs.gt_in_input_pixels(sample).tolist() == [[20., 10., 60., 20.]]


def test_stats_per_image_stops_at_max_images_and_keeps_one_output():
    from custom_modules.analysis.box_steps import stats_per_image
    batches_run = []

    def run_batch(batch):
        batches_run.append(batch)
        return [dict(i=i) for i in batch]

    loader = [[0, 1], [2, 3], [4, 5]]
    stats, kept = stats_per_image(loader, run_batch, lambda o: 10 * o['i'],
                                  max_images=3, keep_image=2)
    assert stats == [0, 10, 20] and kept == {'i': 2}
    # Image 3 is in the second batch; the third batch is never run.
    assert batches_run == [[0, 1], [2, 3]]
    stats, kept = stats_per_image(loader, run_batch, lambda o: o['i'],
                                  keep_image=9)
    assert stats == [0, 1, 2, 3, 4, 5] and kept is None
