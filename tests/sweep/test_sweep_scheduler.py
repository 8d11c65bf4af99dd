"""Sizing the worker pool to the machine and the command of each run."""
import os
import sys

from custom_modules.sweep.progress import SweepProgress, format_seconds
from custom_modules.sweep.scheduler import plan_resources, run_env, train_command

INFO = dict(config='configs/x.py', cfg_options=['a.b=1', 'randomness.seed=0'],
            train_args=[])


def test_cpu_machine_splits_cores_between_runs():
    r = plan_resources(cpu_count=8, gpu_count=0)
    assert (r.workers, r.threads_per_run, r.gpus_per_run) == (8, 1, 0)
    r = plan_resources(workers=2, cpu_count=8, gpu_count=0)
    assert (r.workers, r.threads_per_run) == (2, 4)
    env = run_env(r.threads_per_run, r.devices[0])
    assert env['OMP_NUM_THREADS'] == env['MKL_NUM_THREADS'] == '4'
    # A CPU run leaves the device list as it was.
    assert env.get('CUDA_VISIBLE_DEVICES') == \
        os.environ.get('CUDA_VISIBLE_DEVICES')


def test_gpu_machine_one_worker_per_gpu_or_gpu_group():
    r = plan_resources(cpu_count=32, gpu_count=4)
    assert r.workers == 4 and r.devices == [[0], [1], [2], [3]]
    assert r.threads_per_run == 8
    assert run_env(8, [2])['CUDA_VISIBLE_DEVICES'] == '2'
    r = plan_resources(cpu_count=32, gpu_count=8, gpus_per_run=4)
    assert r.devices == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert run_env(16, r.devices[1])['CUDA_VISIBLE_DEVICES'] == '4,5,6,7'


def test_train_command_single_and_torchrun():
    cmd = train_command(INFO, 'work_dirs/sweeps/s/a=1_seed=0')
    assert cmd[0] == sys.executable and cmd[1].endswith('tools/train.py')
    assert cmd[2:] == ['configs/x.py', '--work-dir',
                       'work_dirs/sweeps/s/a=1_seed=0', '--resume',
                       '--cfg-options', 'a.b=1', 'randomness.seed=0']
    dist = train_command(dict(INFO, train_args=['--amp']), 'w', 4)
    assert dist[1:5] == ['-m', 'torch.distributed.run', '--standalone',
                         '--nproc_per_node=4']
    assert dist[-2:] == ['--launcher', 'pytorch'] and '--amp' in dist


def test_progress_eta_uses_run_durations_and_workers():
    import io
    bar = SweepProgress(total=10, workers=2, stream=io.StringIO())
    bar.done = 2                    # e.g. skipped: already done before
    assert bar.eta() is None        # no duration known yet
    bar.add_known_duration(100)
    bar.add_known_duration(140)
    # 8 runs left, 2 at a time, 120 s each -> 4 waves.
    assert bar.eta() == 480
    assert '2/10 runs' in bar.line() and 'ETA 08:00' in bar.line()
    assert format_seconds(3725) == '1:02:05'


def test_threads_per_run_can_be_fixed():
    r = plan_resources(workers=1, cpu_count=2, gpu_count=0, threads=1)
    assert (r.workers, r.threads_per_run) == (1, 1)
    r = plan_resources(cpu_count=8, gpu_count=0, threads=4)
    assert (r.workers, r.threads_per_run) == (2, 4)
