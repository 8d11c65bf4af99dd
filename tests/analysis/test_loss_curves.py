"""Loss terms read back from the logs mmengine writes, resumed runs merged,
and the two summaries (half-life, late drop) against hand-computed values."""
import json

import pytest

from custom_modules.analysis import loss_curves as lc


def write_log(work_dir, stamp, records):
    d = work_dir / stamp / 'vis_data'
    d.mkdir(parents=True)
    with open(d / 'scalars.json', 'w') as f:
        for r in records:
            f.write(json.dumps(r) + '\n')


def rec(it, cls, bbox):
    return {'lr': 1e-3, 'loss': cls + bbox, 'loss_cls': cls,
            'loss_bbox': bbox, 'iter': it, 'step': it}


@pytest.fixture
def resumed_run(tmp_path):
    run = tmp_path / 'ssd300'
    # Interrupted after iteration 60 with a checkpoint at 40: the resumed
    # run logs 60 again, and its value is the one that counts.
    write_log(run, '20261124_100000', [rec(20, 8.0, 4.0), rec(40, 5.0, 3.5),
                                       rec(60, 4.9, 3.0)])
    write_log(run, '20261124_120000', [rec(60, 4.0, 2.5), rec(80, 3.0, 2.0),
                                       {'coco/bbox_mAP': 0.1, 'step': 80},
                                       rec(100, 2.0, 1.5)])
    return run


def test_resumed_runs_merge_and_the_later_run_wins(resumed_run):
    records = lc.read_loss_log(str(resumed_run))
    assert [r['iter'] for r in records] == [20, 40, 60, 80, 100]
    assert records[2]['loss_cls'] == 4.0
    assert lc.loss_terms(records) == ['loss_cls', 'loss_bbox']


def test_half_life_and_late_drop_by_hand(resumed_run):
    run = lc.summarize_run('ssd300', lc.read_loss_log(str(resumed_run)))
    cls, bbox = run['terms']
    # loss_cls 8, 5, 4, 3, 2: first at or below 4 is iteration 60; mid is
    # the last record at or before iteration 50 (5.0), so the second half
    # removed 1 - 2 / 5 = 60% of it.
    assert cls['half_life'] == 60
    assert cls['mid'] == 5.0 and abs(cls['late_drop'] - 0.6) < 1e-12
    assert cls['last_over_first'] == 0.25
    # loss_bbox 4, 3.5, 2.5, 2, 1.5: half of 4 is reached at iteration 80.
    assert bbox['half_life'] == 80
    assert abs(bbox['late_drop'] - (1 - 1.5 / 3.5)) < 1e-12
    assert lc.half_life([10, 20], [1.0, 0.9]) is None

    page = lc.render_markdown([run], {'cpu': 'x'}, 'cmd', 'images/l.png')
    assert '| ssd300 | loss_cls | 8.000 (20) | 5.000 | 2.000 (100) | 0.25 ' \
           '| 60 | 60% |' in page
    assert page.rstrip().endswith('![loss terms relative to their first '
                                  'value](images/l.png)')


def test_picture_and_errors(resumed_run, tmp_path):
    import cv2
    run = lc.summarize_run('a', lc.read_loss_log(str(resumed_run)),
                           ['loss_bbox'])
    assert [t['term'] for t in run['terms']] == ['loss_bbox']
    path = lc.plot_runs([run, run], str(tmp_path / 'l.png'))
    img = cv2.imread(path)
    assert img is not None and img.shape[1] > img.shape[0]
    with pytest.raises(ValueError, match='a logged no loss_odm_cls; it '
                       'logged loss_cls, loss_bbox'):
        lc.summarize_run('a', lc.read_loss_log(str(resumed_run)),
                         ['loss_odm_cls'])
    with pytest.raises(ValueError, match='no training log under'):
        lc.read_loss_log(str(tmp_path / 'empty'))
