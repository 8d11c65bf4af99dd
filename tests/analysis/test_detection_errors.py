"""detection_errors: every ground-truth bucket on a hand-made case, the three
AP views against hand-computed values through pycocotools, and the dump ->
COCO results conversion by category name."""
import json

import numpy as np
import pytest
from pycocotools.coco import COCO

from custom_modules.analysis import detection_errors as de


def test_box_iou_by_hand():
    # Two 2x2 squares overlapping in a 1x1 corner: 1 / (4 + 4 - 1).
    iou = de.box_iou([[0, 0, 2, 2]], [[1, 1, 3, 3], [0, 0, 2, 2],
                                      [5, 5, 6, 6]])
    assert np.allclose(iou, [[1 / 7, 1., 0.]])


@pytest.mark.parametrize('det_box, det_label, score, expected', [
    ([0, 0, 10, 10], 0, 0.9, 'precise'),       # IoU 1.0, right class
    ([0, 0, 10, 7], 0, 0.9, 'loose'),          # IoU 0.7
    ([0, 0, 10, 10], 1, 0.9, 'mislabelled'),   # right place, wrong class
    ([0, 0, 10, 3], 0, 0.9, 'mislocated'),     # IoU 0.3
    ([0, 0, 10, 0.5], 0, 0.9, 'missed'),       # IoU 0.05
    ([0, 0, 10, 10], 0, 0.2, 'missed'),        # under the score threshold
])
def test_each_bucket(det_box, det_label, score, expected):
    assert de.classify_ground_truth(
        [[0, 0, 10, 10]], [0], [det_box], [det_label], [score],
        score_thr=0.3) == [expected]


def test_right_class_wins_over_a_better_wrong_one():
    # A loose box of the right class and an exact one of another: the object
    # was found and named, only loosely.
    assert de.classify_ground_truth(
        [[0, 0, 10, 10]], [0], [[0, 0, 10, 7], [0, 0, 10, 10]], [0, 1],
        [0.5, 0.9]) == ['loose']


def test_no_detections_at_all():
    assert de.classify_ground_truth([[0, 0, 4, 4], [5, 5, 9, 9]], [0, 1],
                                    np.zeros((0, 4)), [], []) == [
                                        'missed', 'missed']


def _coco(tmp_path):
    """Two images: a small 'a' (20x20) and a large 'b' (100x100); category
    ids deliberately not 0/1 and not in name order."""
    gt = dict(
        images=[dict(id=1, width=200, height=200, file_name='1.png'),
                dict(id=2, width=200, height=200, file_name='2.png')],
        categories=[dict(id=7, name='b'), dict(id=3, name='a')],
        annotations=[
            dict(id=1, image_id=1, category_id=3, bbox=[10, 10, 20, 20],
                 area=400, iscrowd=0),
            dict(id=2, image_id=2, category_id=7, bbox=[0, 0, 100, 100],
                 area=10000, iscrowd=0)])
    path = tmp_path / 'gt.json'
    path.write_text(json.dumps(gt))
    return COCO(str(path))


def test_ap_views_by_hand(tmp_path):
    coco = _coco(tmp_path)
    results = [
        # The small 'a' found in the right place but called 'b'.
        dict(image_id=1, category_id=7, bbox=[10, 10, 20, 20], score=0.9),
        # The large 'b' exact.
        dict(image_id=2, category_id=7, bbox=[0, 0, 100, 100], score=0.8),
    ]
    summary = de.analyse(coco, results)
    # COCO AP is the mean over categories: 'a' 0 (never detected as 'a');
    # 'b' has one true positive ranked below one false positive (the
    # mislabelled 'a', score 0.9): precision 1/2 at recall 1, which COCO's
    # interpolated 101-point curve averages to 0.5. Mean: 0.25.
    assert summary['ap'] == pytest.approx(0.25)
    # Class-agnostic: both objects found exactly, nothing else: AP 1.
    assert summary['class_agnostic_ap'] == pytest.approx(1.0)
    # At IoU 0.1 the classes still count: the same 0.25.
    assert summary['ap_iou10'] == pytest.approx(0.25)
    assert summary['counts']['small']['mislabelled'] == 1
    assert summary['counts']['large']['precise'] == 1
    assert sum(sum(c.values()) for c in summary['counts'].values()) == 2


def test_a_loose_box_is_forgiven_at_iou_0_1(tmp_path):
    coco = _coco(tmp_path)
    results = [
        dict(image_id=1, category_id=3, bbox=[10, 10, 20, 20], score=0.9),
        # 'b' covered at IoU 0.3: counts at IoU 0.1 only.
        dict(image_id=2, category_id=7, bbox=[0, 0, 100, 30], score=0.8),
    ]
    summary = de.analyse(coco, results)
    # 'a': AP 1 at every IoU threshold. 'b': a true positive only at
    # thresholds <= 0.3, i.e. none of COCO's 0.5:0.95 -> AP 0. Mean 0.5.
    assert summary['ap'] == pytest.approx(0.5)
    assert summary['ap_iou10'] == pytest.approx(1.0)
    assert summary['counts']['large']['mislocated'] == 1


def test_results_from_dump_maps_labels_by_name():
    import torch
    dumped = [dict(img_id=4, pred_instances=dict(
        bboxes=torch.tensor([[1., 2., 11., 22.]]),
        scores=torch.tensor([0.5]), labels=torch.tensor([1])))]
    cats = [dict(id=7, name='b'), dict(id=3, name='a')]
    results = de.results_from_dump(dumped, ('a', 'b'), cats)
    assert results == [dict(image_id=4, category_id=7,
                            bbox=[1., 2., 10., 20.], score=0.5)]
    with pytest.raises(ValueError, match=r"\['c'\] of the config"):
        de.results_from_dump(dumped, ('a', 'c'), cats)


def test_markdown_has_the_numbers(tmp_path):
    coco = _coco(tmp_path)
    summary = de.analyse(coco, [
        dict(image_id=2, category_id=7, bbox=[0, 0, 100, 100], score=0.8)])
    page = de.render_markdown(summary, dict(cpu='x'), 'cmd', 'toy')
    # 'a' missed (AP 0), 'b' exact (AP 1): 50.0. Class-agnostic, one curve
    # with recall 1/2 at precision 1: COCO's 101 recall points 0, 0.01 ..
    # 0.50 score 1, the rest 0, so 51/101 = 50.5.
    assert summary['class_agnostic_ap'] == pytest.approx(51 / 101)
    assert '| 50.0 | 50.5 | 50.0 | 0.5 | 0.0 |' in page
    assert '| small | 1 | 0.0 | 0.0 | 0.0 | 0.0 | 100.0 |' in page
    assert '| all | 2 | 50.0 |' in page
