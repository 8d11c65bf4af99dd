"""The faults of a real run, through tools/train.py on a real detector: a
corrupt image in the train split, then SIGTERM mid-run and --resume, which
must end at the same weights and metrics as the uninterrupted run."""
import json
import shutil
import signal
import subprocess
import sys
import time

import torch

from conftest import REPO
from test_train_resume import overrides
import pytest

# End-to-end runs of the real tools: make test-fast skips them.
pytestmark = pytest.mark.slow

MAX_ITERS = 6


def train_cmd(root, work):
    return [sys.executable, 'tools/train.py', 'configs/retinanet_r50_fpn.py',
            '--work-dir', str(work), '--cfg-options',
            *overrides(str(root), MAX_ITERS), 'randomness.deterministic=True',
            'default_hooks.checkpoint.interval=100']


def test_corrupt_image_then_sigterm_then_resume(tiny_shapes, tmp_path):
    root = tmp_path / 'shapes'
    shutil.copytree(tiny_shapes, root)
    ann = json.load(open(root / 'annotations' / 'instances_train.json'))
    bad = root / 'train' / ann['images'][0]['file_name']
    bad.write_bytes(bad.read_bytes()[:300])

    whole = subprocess.run(train_cmd(root, tmp_path / 'whole'), cwd=REPO,
                           capture_output=True, text=True, timeout=600)
    assert whole.returncode == 0, whole.stderr[-3000:]
    assert f'skipping unreadable image {bad}' in whole.stdout + whole.stderr

    work = tmp_path / 'cut'
    proc = subprocess.Popen(train_cmd(root, work), cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.time() + 300
    # SIGTERM once the second iteration is logged, well before the end.
    while True:
        logs = list(work.glob('*/*.log'))
        if logs and 'Iter(train) [2/' in logs[0].read_text():
            break
        assert proc.poll() is None, proc.stderr.read()[-3000:]
        assert time.time() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 128 + signal.SIGTERM, err[-3000:]
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert lines[-1].startswith('interrupted: SIGTERM at iteration '), lines
    saved = int(lines[-1].split('iteration ')[1].split(':')[0])
    assert 2 <= saved < MAX_ITERS
    assert (work / 'last_checkpoint').read_text() == str(
        work / f'iter_{saved}.pth')

    resumed = subprocess.run(train_cmd(root, work) + ['--resume'], cwd=REPO,
                             capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    a = json.load(open(tmp_path / 'whole' / 'val_metrics_last.json'))
    b = json.load(open(work / 'val_metrics_last.json'))
    assert a['iter'] == b['iter'] == MAX_ITERS
    coco = sorted(k for k in a if k.startswith('coco/'))
    assert coco and [a[k] for k in coco] == [b[k] for k in coco]
    wa = torch.load(tmp_path / 'whole' / f'iter_{MAX_ITERS}.pth',
                    weights_only=False)['state_dict']
    wb = torch.load(work / f'iter_{MAX_ITERS}.pth',
                    weights_only=False)['state_dict']
    diff = max(float((wa[k].float() - wb[k].float()).abs().max())
               for k in wa)
    assert diff == 0.0, diff


def test_sigkill_mid_run_then_resume_equals_the_uninterrupted_run(tmp_path):
    """SIGKILL leaves no chance to save: the run resumes from the last
    scheduled checkpoint and still ends at the uninterrupted metrics."""
    from custom_modules.analysis import reliability
    outcome = reliability.sigkill(reliability.Bench(str(tmp_path), REPO))
    assert outcome.status == -signal.SIGKILL
    assert outcome.ok, outcome
    assert 'identical to the uninterrupted run' in outcome.kept
