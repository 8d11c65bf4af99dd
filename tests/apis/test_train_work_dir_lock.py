"""One training process per work dir: a second one gets one line and exit
status 75, and the lock dies with its holder, even under SIGKILL."""
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import REPO
from custom_modules.apis.train import LOCK, work_dir_lock
from custom_modules.errors import WorkDirBusy

HOLD = ('import sys, time\n'
        'from custom_modules.apis.train import work_dir_lock\n'
        'with work_dir_lock(sys.argv[1]):\n'
        '    print("held", flush=True)\n'
        '    time.sleep(600)\n')


@pytest.fixture
def holder(tmp_path):
    """Another process holding tmp_path/run, as a training run would."""
    run = tmp_path / 'run'
    run.mkdir()
    proc = subprocess.Popen([sys.executable, '-c', HOLD, str(run)],
                            cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == 'held'
    yield run, proc
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def test_a_second_process_is_refused_with_the_holders_pid(holder):
    run, proc = holder
    with pytest.raises(WorkDirBusy) as err:
        with work_dir_lock(str(run)):
            pass
    assert str(err.value) == (
        f'{run} is being trained by another process (pid {proc.pid}); two '
        "runs in one work dir would overwrite each other's checkpoints. "
        'Wait for it, stop it, or pass another --work-dir.')
    assert err.value.exit_code == 75


def test_the_lock_dies_with_its_holder_even_under_sigkill(holder):
    run, proc = holder
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with work_dir_lock(str(run)):
        assert open(run / LOCK).read() == f'{os.getpid()}\n'


def test_released_after_the_run(tmp_path):
    with work_dir_lock(str(tmp_path)):
        pass
    # Another process can take it at once.
    out = subprocess.run([sys.executable, '-c', HOLD.replace(
        'time.sleep(600)', 'pass'), str(tmp_path)], cwd=REPO,
        capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == 'held'


def test_other_torchrun_ranks_do_not_take_it(holder, monkeypatch):
    run, _ = holder
    monkeypatch.setenv('RANK', '1')
    with work_dir_lock(str(run)):  # rank 0 of the job holds it
        pass


@pytest.mark.slow  # a real config through tools/train.py
def test_train_py_on_a_busy_work_dir_is_one_line(holder, tiny_shapes,
                                                 run_tool):
    run, proc = holder
    res = run_tool(['tools/train.py', 'configs/ssd300.py', '--work-dir',
                    str(run), '--cfg-options',
                    f'train_dataloader.dataset.data_root={tiny_shapes}/',
                    f'val_dataloader.dataset.data_root={tiny_shapes}/',
                    f'val_evaluator.ann_file={tiny_shapes}/annotations/'
                    'instances_val.json'])
    assert res.returncode == 75
    assert res.stderr.strip().splitlines()[-1] == (
        f'busy: {run} is being trained by another process (pid '
        f"{proc.pid}); two runs in one work dir would overwrite each "
        "other's checkpoints. Wait for it, stop it, or pass another "
        '--work-dir.')
    assert 'Traceback' not in res.stderr
    # No Runner was built: no log dir, no checkpoint, only the holder's lock.
    assert [p.name for p in run.iterdir()] == [LOCK]
