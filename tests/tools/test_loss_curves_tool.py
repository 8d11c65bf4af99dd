"""tools/analysis/loss_curves.py on work dirs written to disk: the page, the
picture next to it, and a wrong directory refused in one line."""
import json

from test_cli_errors import assert_one_line_error


def test_page_and_picture(tmp_path, run_tool):
    for run, scale in (('ssd300', 1.0), ('seed=1', 2.0)):
        d = tmp_path / 'runs' / 'ssd300'
        d = (d / run if run.startswith('seed') else d) / 'stamp' / 'vis_data'
        d.mkdir(parents=True)
        d.joinpath('scalars.json').write_text(''.join(
            json.dumps({'loss': scale * v, 'loss_cls': scale * v,
                        'iter': it}) + '\n'
            for it, v in ((20, 4.0), (40, 1.0))))
    out = tmp_path / 'docs' / 'loss.md'
    proc = run_tool(['tools/analysis/loss_curves.py',
                     str(tmp_path / 'runs' / 'ssd300'),
                     str(tmp_path / 'runs' / 'ssd300' / 'seed=1'),
                     '--out', str(out)])
    assert proc.returncode == 0, proc.stderr[-2000:]
    page = out.read_text()
    assert '| ssd300 | loss_cls | 4.000 (20) | 4.000 | 1.000 (40) | 0.25 | ' \
           '40 | 75% |' in page
    assert '| ssd300 seed=1 | loss_cls | 8.000 (20) |' in page
    assert (tmp_path / 'docs' / 'images' / 'loss_curves.png').stat().st_size
    assert 'images/loss_curves.png' in page


def test_a_dir_without_logs_is_one_line(tmp_path, run_tool):
    proc = run_tool(['tools/analysis/loss_curves.py', str(tmp_path),
                     '--out', str(tmp_path / 'x.md')])
    assert_one_line_error(proc, f'no training log under {tmp_path}',
                          'give the work dir of a run')
