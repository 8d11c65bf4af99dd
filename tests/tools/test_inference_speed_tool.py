"""tools/analysis/inference_speed.py end to end: two real detectors timed in
one process on real images, the page they write, and bad input."""
import pytest
import subprocess
import sys

from conftest import REPO
from test_cli_errors import assert_one_line_error


def tiny_config(tmp_path, name, base, data_root):
    cfg = tmp_path / f'{name}.py'
    cfg.write_text(f"_base_ = '{REPO}/configs/{base}'\n"
                   "test_dataloader = dict(dataset=dict("
                   f"data_root='{data_root}/'))\n")
    return str(cfg)


@pytest.mark.slow  # an end-to-end run: make test, not test-fast
def test_page_has_both_models_paired_ratios_and_threads(tiny_shapes,
                                                        tmp_path):
    # Names with no benchmark run under work_dirs/benchmark: both models
    # keep their initial weights, and the page must say so.
    ssd = tiny_config(tmp_path, 'ssd300_tiny', 'ssd300.py', tiny_shapes)
    refinedet = tiny_config(tmp_path, 'refinedet320_tiny', 'refinedet320.py',
                            tiny_shapes)
    out = tmp_path / 'speed.md'
    # A subprocess, so that --threads does not leak into the test process.
    proc = subprocess.run(
        [sys.executable, 'tools/analysis/inference_speed.py', ssd, refinedet,
         '--images', '3', '--threads', '1',
         '--out', str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    page = out.read_text()
    rows = [ln for ln in page.splitlines()
            if ln.startswith(('| ssd300_tiny |', '| refinedet320_tiny |'))]
    assert len(rows) == 2
    cells = [[c.strip() for c in r.strip('|').split('|')] for r in rows]
    # Untrained weights are said to be untrained; the tiny val split has 4
    # images, so 3 are timed after 1 of warm-up (5 when the split is large
    # enough); the base
    # model's paired ratio against itself is exactly 1.
    assert [c[1:3] for c in cells] == [['initial', '3'], ['initial', '3']]
    assert cells[0][6] == '1.000 [1.000, 1.000]'
    median, interval = cells[1][6].split(' [')
    low, high = (float(v) for v in interval.rstrip(']').split(', '))
    assert low <= float(median) <= high
    assert 'torch threads: 1.' in page
    assert '--threads 1' in page and f'--out {out}' in page
    assert 'paired ratio' in proc.stdout


def test_checkpoint_count_must_match_the_configs(tmp_path, run_tool):
    proc = run_tool(['tools/analysis/inference_speed.py', 'configs/ssd300.py',
                     'configs/refinedet320.py', '--checkpoints', 'a.pth'])
    assert_one_line_error(proc, '2 configs but 1 checkpoints',
                          'give one per config')


def test_image_count_below_one_is_refused(run_tool):
    proc = run_tool(['tools/analysis/inference_speed.py', 'configs/ssd300.py',
                     '--images', '0'])
    assert_one_line_error(proc, '--images 0', 'at least one image')
