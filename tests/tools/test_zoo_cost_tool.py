"""tools/analysis/zoo_cost.py: a real config timed on embedded images, and
a user's mistake as one line."""
import os.path as osp

import pytest


@pytest.mark.slow  # an end-to-end run: make test, not test-fast
def test_the_tool_times_a_real_config(tiny_shapes, tmp_path, run_tool):
    config = tmp_path / 'ssd300_tiny.py'
    config.write_text(
        "_base_ = '{base}'\n"
        "train_dataloader = dict(batch_size=2, num_workers=0, "
        "persistent_workers=False, dataset=dict(data_root='{root}/'))\n"
        "val_dataloader = dict(dataset=dict(data_root='{root}/'))\n"
        "test_dataloader = dict(dataset=dict(data_root='{root}/'))\n"
        "train_cfg = dict(max_iters=30, val_interval=10)\n".format(
            base=osp.abspath('configs/ssd300.py'), root=tiny_shapes))
    out = tmp_path / 'docs' / 'cost.md'  # a folder not made yet
    res = run_tool(['tools/analysis/zoo_cost.py', '--configs', str(config),
                    '--steps', '1', '--warmup', '1', '--images', '2',
                    '--threads', '1', '--out', str(out), '--record', ''])
    assert res.returncode == 0, res.stderr
    row = next(ln for ln in out.read_text().splitlines()
               if ln.startswith('| `'))
    cells = [c.strip() for c in row.split('|')[1:-1]]
    assert cells[2] == '1'                      # threads
    assert cells[6] == '30'                     # iterations
    assert cells[8] == '3 x 4'                  # validations x val images
    assert cells[9].endswith('(init weights: upper bound)')
    # num_workers=0: the batch is loaded in the run's own process, so its
    # time adds to the step's.
    step = float(cells[3].split()[0])
    load, loader = cells[4].split(' ', 1)
    assert loader == '(0, shared)'
    s_iter = float(cells[5])
    assert s_iter == pytest.approx(step + float(load), abs=0.011)
    train_min = float(cells[7])
    assert s_iter > 0 and train_min == pytest.approx(30 * s_iter / 60,
                                                     abs=0.5)


def test_a_missing_config_is_one_line(run_tool, tmp_path):
    res = run_tool(['tools/analysis/zoo_cost.py', '--configs',
                    'configs/nope.py', '--out', str(tmp_path / 'x.md')])
    assert res.returncode != 0
    assert 'configs/nope.py: no such config' in res.stderr
    assert 'Traceback' not in res.stderr
