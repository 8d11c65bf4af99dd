"""A training run that is killed resumes from its last checkpoint, through
tools/train.py --resume, with torch's weights_only loader (torch >= 2.6)."""
import json
import os
import os.path as osp
import signal
import subprocess
import sys
import time

from conftest import REPO, shapes_overrides
import pytest

# End-to-end runs of the real tools: make test-fast skips them.
pytestmark = pytest.mark.slow


def overrides(root, max_iters):
    opts = shapes_overrides(root)
    opts.update({
        'train_cfg.max_iters': max_iters, 'train_cfg.val_interval': max_iters,
        'default_hooks.checkpoint.interval': 2,
        'default_hooks.logger.interval': 1,
        'param_scheduler.0.end': 2, 'param_scheduler.1.begin': 2,
        'param_scheduler.1.end': max_iters,
        'param_scheduler.1.T_max': max_iters - 2,
        'train_dataloader.dataset.pipeline.2.scale': (96, 96),
        'val_dataloader.dataset.pipeline.1.scale': (96, 96),
    })
    return [f'{k}={v}'.replace(' ', '') for k, v in opts.items()]


def test_killed_run_resumes_from_saved_iteration(tiny_shapes, tmp_path):
    work = tmp_path / 'run'
    cmd = [sys.executable, 'tools/train.py', 'configs/retinanet_r50_fpn.py',
           '--work-dir', str(work), '--cfg-options',
           *overrides(tiny_shapes, 8)]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 240

    # Kill it hard as soon as the iteration-4 checkpoint is on disk and
    # recorded: mmengine writes iter_4.pth first and last_checkpoint after
    # it, and on a busy machine the gap can exceed any fixed sleep.
    def recorded_iter():
        try:
            name = osp.basename((work / 'last_checkpoint').read_text().strip())
            return int(name[len('iter_'):-len('.pth')])
        except (OSError, ValueError):
            return 0
    while recorded_iter() < 4:
        assert proc.poll() is None, 'training ended before iteration 4'
        assert time.time() < deadline, 'no checkpoint within 240 s'
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (work / 'iter_8.pth').exists()
    with open(work / 'last_checkpoint') as f:
        saved = int(osp.basename(f.read().strip())[len('iter_'):-len('.pth')])
    assert saved in (4, 6)

    t0 = time.time()
    resumed = subprocess.run(cmd + ['--resume'], cwd=REPO,
                             capture_output=True, text=True, timeout=300)
    resumed_wall = time.time() - t0
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    log = resumed.stdout + resumed.stderr
    assert f'resumed epoch: 0, iter: {saved}' in log
    # The resumed run logged the iterations after the checkpoint only.
    logged = [int(line.split('Iter(train) [')[1].split('/')[0])
              for line in log.splitlines() if 'Iter(train) [' in line]
    assert logged and min(logged) == saved + 1 and max(logged) == 8
    assert (work / 'iter_8.pth').exists()
    last = json.load(open(work / 'val_metrics_last.json'))
    assert last['iter'] == 8
    # The training clock went on from the checkpoint's, not from zero: the
    # killed run validated never, so only the checkpoint can carry it.
    import torch
    meta = torch.load(work / f'iter_{saved}.pth', map_location='cpu',
                      weights_only=False)['meta']
    before = meta['detlab_train_seconds']
    assert before > 0
    assert before < last['train_seconds'] < before + resumed_wall
