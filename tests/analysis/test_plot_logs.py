"""plot_logs reads mmengine's scalars.json (train and val lines, resumed
runs merged) and draws the keys asked for."""
import json

import pytest

from custom_modules.analysis.plot_logs import plot, read_scalars
from custom_modules.errors import UserError


def write_log(work, stamp, records):
    d = work / stamp / 'vis_data'
    d.mkdir(parents=True)
    (d / 'scalars.json').write_text(
        '\n'.join(json.dumps(r) for r in records) + '\n')


@pytest.fixture
def resumed_run(tmp_path):
    work = tmp_path / 'run'
    write_log(work, '20261203_100000', [
        dict(lr=0.01, loss=3.0, loss_cls=2.0, iter=1, epoch=1),
        dict(lr=0.01, loss=2.0, loss_cls=1.5, iter=2),
        dict(lr=0.01, loss=9.9, loss_cls=9.9, iter=3),   # before the kill
        {'coco/bbox_mAP': 0.1, 'step': 2}])
    write_log(work, '20261203_110000', [              # resumed at 2
        dict(lr=0.01, loss=1.5, loss_cls=1.0, iter=3),
        dict(lr=0.01, loss=1.0, loss_cls=0.5, iter=4),
        {'coco/bbox_mAP': 0.3, 'step': 4}])
    return work


def test_series_merge_resumed_runs_and_keep_val_keys(resumed_run):
    series = read_scalars(str(resumed_run))
    assert series['loss'] == [(1, 3.0), (2, 2.0), (3, 1.5), (4, 1.0)]
    assert series['coco/bbox_mAP'] == [(2, 0.1), (4, 0.3)]
    assert 'epoch' not in series and 'iter' not in series


def test_plot_writes_a_png_with_one_panel_per_key(resumed_run, tmp_path):
    import matplotlib.image
    runs = {'a': read_scalars(str(resumed_run))}
    one = matplotlib.image.imread(plot(runs, ['loss'],
                                       str(tmp_path / 'one.png')))
    two = matplotlib.image.imread(plot(runs, ['loss_cls', 'coco/bbox_mAP'],
                                       str(tmp_path / 'two.png')))
    assert two.shape[1] == one.shape[1]
    assert two.shape[0] == pytest.approx(2 * one.shape[0], rel=0.02)
    assert two.std() > 0  # something was drawn


def test_unknown_key_lists_the_logged_ones(resumed_run, tmp_path):
    with pytest.raises(UserError) as err:
        plot({'a': read_scalars(str(resumed_run))}, ['loss_bbox'],
             str(tmp_path / 'p.png'))
    assert str(err.value) == ('no run logged loss_bbox; logged keys: '
                              'coco/bbox_mAP, loss, loss_cls, lr.')


def test_tool_in_process(resumed_run, tmp_path, capsys):
    import runpy
    main = runpy.run_path('tools/analysis/plot_logs.py')['main']
    out = tmp_path / 'x.png'
    assert main([f'{resumed_run}:resumed', '--keys', 'loss',
                 '--out', str(out)]) == 0
    assert out.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'


def test_work_dir_without_logs(tmp_path):
    with pytest.raises(UserError, match='no scalars.json under'):
        read_scalars(str(tmp_path))
