"""Planning a sweep (each run's config dumped and checked, the run dirs as
its only state), sizing the worker pool, the commands, the ETA and the
Slurm array script."""
import io
import json
import os
import sys

import pytest
from mmengine.config import Config

from custom_modules.errors import UserError
from custom_modules.sweep.launch import (Progress, SlurmOptions, build_plan,
                                         plan_resources, run_env,
                                         run_status, train_command,
                                         write_array_script)
from custom_modules.sweep.spec import build_spec

CONFIG = 'configs/ablations/retinanet_r18_fpn_160_focal_ablation.py'
G = 'model.bbox_head.loss_cls.gamma'


def test_each_run_is_a_dumped_config_with_the_fixed_schedule(tmp_path):
    spec = build_spec([f'{G}=0,2'], seeds='0')
    plan = build_plan(CONFIG, spec, name='t', max_iters=30,
                      root=str(tmp_path), command='python tools/sweep.py ...')
    plan.write()
    run_dir = tmp_path / 't' / 'gamma=2_seed=0'
    cfg = Config.fromfile(str(run_dir / 'config.py'))
    assert cfg.model.bbox_head.loss_cls.gamma == 2
    assert cfg.model.bbox_head.loss_cls.alpha == 0.25     # the config's own
    assert cfg.randomness.seed == 0
    assert cfg.train_cfg.max_iters == 30
    assert cfg.param_scheduler[1].end == 30
    info = json.load(open(run_dir / 'run.json'))
    assert info['overrides'] == {G: 2, 'randomness.seed': 0}
    assert info['sweep']['max_iters'] == 30
    assert info['environment']['torch']
    assert json.load(open(tmp_path / 't' / 'sweep.json'))['runs'] == [
        'gamma=0_seed=0', 'gamma=2_seed=0']


def test_dict_value_replaces_the_configs_dict(tmp_path):
    spec = build_spec(["model.bbox_head.loss_cls={'type': "
                       "'CrossEntropyLoss', 'use_sigmoid': True}"])
    plan = build_plan(CONFIG, spec, name='ce', root=str(tmp_path))
    plan.write()
    cfg = Config.fromfile(str(tmp_path / 'ce' / plan.runs[0].run_id /
                              'config.py'))
    # No gamma/alpha left over from FocalLoss.
    assert dict(cfg.model.bbox_head.loss_cls) == dict(
        type='CrossEntropyLoss', use_sigmoid=True)


def test_ce_reference_reaches_focal_loss(tmp_path):
    from custom_modules.apis.config import import_plugins
    from mmdet.registry import MODELS
    plan = build_plan(CONFIG, build_spec([f'{G}=2'], preset='focal-gamma'),
                      name='fg', root=str(tmp_path))
    plan.write()
    cfg = Config.fromfile(str(tmp_path / 'fg' / 'CE' / 'config.py'))
    import_plugins(cfg)
    loss = MODELS.build(cfg.model).bbox_head.loss_cls
    assert (loss.gamma, loss.alpha, loss.loss_weight) == (0, 0.5, 2.0)


def test_plan_rejects_misspelt_key_and_swept_fixed_clash(tmp_path):
    with pytest.raises(UserError, match='gama'):
        build_plan(CONFIG, build_spec(['model.bbox_head.loss_cls.gama=1']),
                   root=str(tmp_path))
    with pytest.raises(ValueError, match='both swept and fixed'):
        build_plan(CONFIG, build_spec(['train_cfg.max_iters=10,20']),
                   max_iters=5, root=str(tmp_path))


def test_rerun_with_other_settings_is_refused(tmp_path):
    spec = build_spec([f'{G}=0,2'])
    build_plan(CONFIG, spec, name='t', max_iters=30, root=str(tmp_path)).write()
    # The same command again: fine.
    build_plan(CONFIG, spec, name='t', max_iters=30, root=str(tmp_path)).write()
    with pytest.raises(ValueError, match='other settings'):
        build_plan(CONFIG, spec, name='t', max_iters=60,
                   root=str(tmp_path)).write()


def test_rerun_after_the_config_file_was_edited_is_refused(tmp_path):
    """The same command after the base config's recipe changed would put
    runs of two recipes in one table; a change to logging would not."""
    config = tmp_path / 'focal.py'
    base = os.path.abspath(CONFIG)
    config.write_text(f"_base_ = '{base}'\n")
    spec = build_spec([f'{G}=0,2'])
    plan = dict(spec=spec, name='t', max_iters=30, root=str(tmp_path / 's'))
    build_plan(str(config), **plan).write()
    config.write_text(f"_base_ = '{base}'\n"
                      "default_hooks = dict(logger=dict(interval=7))\n")
    build_plan(str(config), **plan).write()           # not the recipe
    config.write_text(f"_base_ = '{base}'\n"
                      "optim_wrapper = dict(optimizer=dict(lr=0.5))\n")
    with pytest.raises(ValueError, match='trained from another recipe of '
                       f'{config} \\(it has been edited since\\)'):
        build_plan(str(config), **plan).write()


def test_run_status_from_files(tmp_path):
    d = tmp_path / 'r'
    d.mkdir()
    assert run_status(str(d)) == 'pending'
    (d / 'last_checkpoint').write_text('iter_10.pth')
    assert run_status(str(d)) == 'pending'
    (d / 'error.txt').write_text('exit code 1')
    assert run_status(str(d)) == 'failed'
    (d / 'DONE').write_text('{}')
    assert run_status(str(d)) == 'done'


def test_cpu_machine_splits_cores_between_runs():
    r = plan_resources(cpus=8, gpus=0)
    assert (r.workers, r.threads_per_run, r.gpus_per_run) == (8, 1, 0)
    r = plan_resources(workers=2, cpus=8, gpus=0)
    assert (r.workers, r.threads_per_run) == (2, 4)
    env = run_env(r.threads_per_run, r.devices[0])
    assert env['OMP_NUM_THREADS'] == env['MKL_NUM_THREADS'] == '4'
    assert env.get('CUDA_VISIBLE_DEVICES') == \
        os.environ.get('CUDA_VISIBLE_DEVICES')
    r = plan_resources(cpus=8, gpus=0, threads=4)
    assert (r.workers, r.threads_per_run) == (2, 4)


def test_gpu_machine_one_worker_per_gpu_or_gpu_group():
    r = plan_resources(cpus=32, gpus=4)
    assert r.workers == 4 and r.devices == [[0], [1], [2], [3]]
    assert r.threads_per_run == 8
    assert run_env(8, [2])['CUDA_VISIBLE_DEVICES'] == '2'
    r = plan_resources(cpus=32, gpus=8, gpus_per_run=4)
    assert r.devices == [[0, 1, 2, 3], [4, 5, 6, 7]]
    with pytest.raises(ValueError, match='only 2 GPU'):
        plan_resources(gpus=2, gpus_per_run=4)


def test_train_command_single_and_torchrun():
    cmd = train_command('work_dirs/sweeps/s/a=1_seed=0')
    assert cmd[0] == sys.executable and cmd[1] == 'tools/train.py'
    assert cmd[2:] == ['work_dirs/sweeps/s/a=1_seed=0/config.py',
                       '--work-dir', 'work_dirs/sweeps/s/a=1_seed=0',
                       '--resume']
    dist = train_command('w', 4, ['--amp'])
    assert dist[1:5] == ['-m', 'torch.distributed.run', '--standalone',
                         '--nproc_per_node=4']
    assert dist[-3:] == ['--amp', '--launcher', 'pytorch']


def test_progress_eta_uses_run_durations_and_workers():
    bar = Progress(total=10, workers=2, stream=io.StringIO())
    bar.done = 2                    # e.g. skipped: already done before
    assert bar.eta() is None        # no duration known yet
    bar.durations += [100, 140]
    # 8 runs left, 2 at a time, 120 s each -> 4 waves.
    assert bar.eta() == 480
    assert '2/10 runs' in bar.line() and 'ETA 00:08:00' in bar.line()


def test_array_script(tmp_path):
    plan = build_plan(CONFIG, build_spec(preset='focal-alpha', seeds='0,1'),
                      name='fa', max_iters=100, root=str(tmp_path))
    plan.write()
    run_dirs = [plan.run_dir(r) for r in plan.runs]
    assert len(run_dirs) == 2 * (6 + 1)    # 6 alphas + CE, 2 seeds
    opts = SlurmOptions(gpus_per_run=2, cpus_per_task=10, partition='gpu',
                        time='2:00:00', max_parallel=4)
    path = write_array_script(plan.sweep_dir, plan.name, run_dirs, opts,
                              doc='docs/ablations.md')
    assert path == os.path.join(plan.sweep_dir, 'slurm', 'sweep.sbatch')
    lines = open(path).read().splitlines()
    assert lines[0] == '#!/usr/bin/env bash'
    for expected in ('#SBATCH --array=0-13%4', '#SBATCH --gres=gpu:2',
                     '#SBATCH --cpus-per-task=10', '#SBATCH --partition=gpu',
                     '#SBATCH --time=2:00:00', '#SBATCH --job-name=sweep-fa',
                     f'#SBATCH --output={plan.sweep_dir}/slurm/%A_%a.log'):
        assert expected in lines, expected
    # The array indexes the run dirs in sweep order.
    listed = [ln.strip().strip("'") for ln in
              lines[lines.index('RUN_DIRS=(') + 1:lines.index(')')]]
    assert listed == run_dirs
    # A task trains its run's own config with tools/train.py, through
    # torchrun for 2 GPUs, and records a failure as a local sweep does.
    task = next(ln for ln in lines if 'tools/train.py' in ln)
    assert '--nproc_per_node=2' in task
    assert '"$RUN_DIR"/config.py --work-dir "$RUN_DIR" --resume' in task
    assert '> "$RUN_DIR/error.txt"' in task
    assert any('--collect' in ln and 'docs/ablations.md' in ln for ln in lines)
    cfg = Config.fromfile(os.path.join(run_dirs[5], 'config.py'))
    assert cfg.model.bbox_head.loss_cls.alpha == 0.999


def test_array_script_runs_in_bash(tmp_path):
    """The script itself, with a stand-in python that records its argv:
    a finished run returns at once, a failing one leaves error.txt."""
    import stat
    import subprocess
    plan = build_plan(CONFIG, build_spec([f'{G}=0,2']), name='b',
                      root=str(tmp_path))
    plan.write()
    run_dirs = [plan.run_dir(r) for r in plan.runs]
    script = write_array_script(plan.sweep_dir, 'b', run_dirs,
                                SlurmOptions(gpus_per_run=0))
    fake = tmp_path / 'bin' / 'python'
    fake.parent.mkdir()
    fake.write_text('#!/bin/sh\necho "$@" > "$(dirname "$0")/argv"\n'
                    'echo boom >&2\nexit 3\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    text = open(script).read().replace(sys.executable, str(fake))
    (tmp_path / 'run.sh').write_text(text)
    env = dict(os.environ, SLURM_ARRAY_TASK_ID='1', SLURM_CPUS_PER_TASK='2')
    proc = subprocess.run(['bash', str(tmp_path / 'run.sh')], env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 3
    argv = (fake.parent / 'argv').read_text()
    assert argv.startswith('tools/train.py ' + run_dirs[1] + '/config.py')
    error = open(os.path.join(run_dirs[1], 'error.txt')).read()
    assert error.startswith('exit code 3') and 'boom' in error
    open(os.path.join(run_dirs[0], 'DONE'), 'w').close()
    env['SLURM_ARRAY_TASK_ID'] = '0'
    proc = subprocess.run(['bash', str(tmp_path / 'run.sh')], env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0 and 'done' in proc.stdout
    # Exit code 75 is the work-dir lock: another task holds the run and
    # will finish it, so this task neither fails nor writes error.txt.
    fake.write_text('#!/bin/sh\necho "busy: held" >&2\nexit 75\n')
    os.remove(os.path.join(run_dirs[1], 'error.txt'))
    env['SLURM_ARRAY_TASK_ID'] = '1'
    proc = subprocess.run(['bash', str(tmp_path / 'run.sh')], env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0
    assert proc.stdout.strip() == run_dirs[1] + ': busy, another task trains it'
    assert not os.path.exists(os.path.join(run_dirs[1], 'error.txt'))


def _stand_in_runs(tmp_path, monkeypatch, names, b_exits_with):
    """Run dirs named by ``names`` and a stand-in for tools/train.py: run
    'b' exits with ``b_exits_with``, the others write DONE."""
    from custom_modules.sweep import launch
    runs = [str(tmp_path / n) for n in names]
    for d in runs:
        os.makedirs(d)
    script = ("import os, sys; d = sys.argv[1]; "
              f"sys.exit({b_exits_with}) if d.endswith('b') else "
              "open(os.path.join(d, 'DONE'), 'w').write('{}')")
    monkeypatch.setattr(launch, 'train_command',
                        lambda d, *a: [sys.executable, '-c', script, d])
    return runs


def test_each_finished_run_is_reported_while_the_others_go_on(
        tmp_path, monkeypatch):
    """on_finish sees every run as it ends, with its status; an error in it
    is one line in the log and the sweep carries on."""
    from custom_modules.sweep import launch
    runs = _stand_in_runs(tmp_path, monkeypatch, 'abc', b_exits_with=3)
    seen = []

    def on_finish(run_dir, status):
        seen.append((os.path.basename(run_dir), status))
        if status == 'failed':
            raise OSError('disk full')

    log = io.StringIO()
    result = launch.run_sweep(runs, launch.plan_resources(workers=1),
                              stream=log, poll_seconds=0.01,
                              on_finish=on_finish)
    assert seen == [('a', 'done'), ('b', 'failed'), ('c', 'done')]
    assert result['done'] == [runs[0], runs[2]]
    assert result['failed'] == [runs[1]]
    assert 'after b: OSError: disk full' in log.getvalue()


def test_a_run_held_by_another_process_is_busy_not_failed(tmp_path,
                                                          monkeypatch):
    """tools/train.py exits 75 when another process holds the run dir
    (apis/train.work_dir_lock): the sweep leaves that run to it, writes no
    error.txt and does not count it as failed."""
    from custom_modules.sweep import launch
    runs = _stand_in_runs(tmp_path, monkeypatch, 'ab', b_exits_with=75)
    log = io.StringIO()
    result = launch.run_sweep(runs, launch.plan_resources(workers=1),
                              stream=log, poll_seconds=0.01)
    assert result['done'] == [runs[0]]
    assert result['busy'] == [runs[1]] and result['failed'] == []
    assert not os.path.exists(os.path.join(runs[1], 'error.txt'))
    assert 'busy   b: another process is training it' in log.getvalue()
    # The bar counts the busy run out of this sweep's total: 1/1 done.
    assert log.getvalue().rstrip().splitlines()[-1].startswith(
        '[sweep] 1/1 runs')
