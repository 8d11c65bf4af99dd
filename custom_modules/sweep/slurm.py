"""Running a sweep on a Slurm cluster: one job-array task per run.

``tools/sweep.py ... --launcher slurm`` writes the same sweep directory as a
local sweep (sweep.json, one run dir with its run.json per run) plus
``slurm/sweep.sbatch``, a job array whose task *i* runs run *i*::

    python tools/sweep.py --run-task work_dirs/sweeps/NAME/<run_id>

``--run-task`` is the local scheduler's own code for one run (see
:func:`.scheduler.execute_run`): it skips a run that is done, resumes one
that has a checkpoint, records failures in error.txt and writes DONE. So a
task that hits the time limit is resumed by resubmitting the same script,
finished runs cost nothing, and ``--collect`` builds the tables afterwards
exactly as for a local sweep. With ``--submit`` the array is submitted with
``sbatch`` together with a collection job that waits for the whole array
(``--dependency=afterany``).

A run that needs several GPUs gets them on one node (``--gres=gpu:N``) and
is started with torchrun inside its task.
"""
import os
import os.path as osp
import shlex
import subprocess
import sys
from dataclasses import dataclass
from typing import List, Optional

from .rundir import RUN_JSON, read_json
from .scheduler import train_command

SWEEP_SCRIPT = osp.join(osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))), 'tools', 'sweep.py')


@dataclass
class SlurmOptions:
    gpus_per_run: int = 1
    cpus_per_task: int = 8
    partition: Optional[str] = None
    time: Optional[str] = None          # e.g. '04:00:00'
    mem: Optional[str] = None           # e.g. '32G'
    max_parallel: Optional[int] = None  # the %N of --array
    account: Optional[str] = None
    extra: tuple = ()                   # more '#SBATCH ...' arguments


def _sweep_script() -> str:
    rel = osp.relpath(SWEEP_SCRIPT)
    return SWEEP_SCRIPT if rel.startswith('..') else rel


def sbatch_header(name: str, n_tasks: int, log_dir: str,
                  opts: SlurmOptions) -> List[str]:
    array = f'0-{n_tasks - 1}'
    if opts.max_parallel:
        array += f'%{opts.max_parallel}'
    lines = [f'#SBATCH --job-name=sweep-{name}',
             f'#SBATCH --array={array}',
             f'#SBATCH --output={log_dir}/%A_%a.log',
             '#SBATCH --nodes=1',
             '#SBATCH --ntasks=1',
             f'#SBATCH --cpus-per-task={opts.cpus_per_task}']
    if opts.gpus_per_run:
        lines.append(f'#SBATCH --gres=gpu:{opts.gpus_per_run}')
    for flag, value in (('partition', opts.partition), ('time', opts.time),
                        ('mem', opts.mem), ('account', opts.account)):
        if value:
            lines.append(f'#SBATCH --{flag}={value}')
    lines += [f'#SBATCH {e}' for e in opts.extra]
    return lines


def collect_command(sweep_dir: str, doc: Optional[str] = None) -> List[str]:
    cmd = [sys.executable, _sweep_script(), '--collect', sweep_dir]
    if doc:
        cmd += ['--doc', doc]
    return cmd


def write_array_script(sweep_dir: str, name: str, run_dirs: List[str],
                       opts: SlurmOptions, doc: Optional[str] = None) -> str:
    """Write ``<sweep_dir>/slurm/sweep.sbatch``; returns its path."""
    if not run_dirs:
        raise ValueError('no runs to submit')
    log_dir = osp.join(sweep_dir, 'slurm')
    os.makedirs(log_dir, exist_ok=True)
    q = shlex.quote
    task = [sys.executable, _sweep_script(), '--run-task', '"$RUN_DIR"',
            '--gpus-per-run', str(opts.gpus_per_run),
            '--threads', '"${SLURM_CPUS_PER_TASK:-1}"']
    lines = ['#!/usr/bin/env bash',
             f'# Sweep {name}: {len(run_dirs)} runs, one array task each.',
             '# Written by tools/sweep.py --launcher slurm. Resubmitting it '
             'skips finished runs',
             '# and resumes the others from their last checkpoint.']
    lines += sbatch_header(name, len(run_dirs), log_dir, opts)
    lines += ['set -euo pipefail',
              f'cd {q(os.getcwd())}',
              'RUN_DIRS=(']
    lines += [f'  {q(d)}' for d in run_dirs]
    lines += [')',
              'RUN_DIR=${RUN_DIRS[$SLURM_ARRAY_TASK_ID]}',
              'echo "task $SLURM_ARRAY_TASK_ID on $(hostname): $RUN_DIR"',
              ' '.join(q(t) if not t.startswith('"') else t for t in task),
              '',
              '# What each task trains (from its run.json; --run-task adds '
              '--resume bookkeeping):']
    for i, d in enumerate(run_dirs):
        info = read_json(osp.join(d, RUN_JSON)) or {}
        cmd = train_command(info, d, opts.gpus_per_run) if info else []
        lines.append(f'#   {i}: ' + ' '.join(q(c) for c in cmd))
    lines += ['# When all tasks have ended:',
              '#   ' + ' '.join(q(c) for c in collect_command(sweep_dir,
                                                            doc))]
    path = osp.join(log_dir, 'sweep.sbatch')
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    os.chmod(path, 0o755)
    return path


def submit(script: str, sweep_dir: str, name: str,
           doc: Optional[str] = None,
           opts: Optional[SlurmOptions] = None) -> List[str]:
    """sbatch the array, then a CPU-only collection job that runs after it;
    returns the two job ids."""
    out = subprocess.run(['sbatch', '--parsable', script], check=True,
                         capture_output=True, text=True).stdout.strip()
    array_id = out.split(';')[0]
    wrap = ' '.join(shlex.quote(c) for c in collect_command(sweep_dir, doc))
    collect = ['sbatch', '--parsable', f'--dependency=afterany:{array_id}',
               f'--job-name=collect-{name}', '--ntasks=1',
               '--cpus-per-task=1',
               f'--output={osp.join(sweep_dir, "slurm", "collect_%j.log")}']
    if opts and opts.partition:
        collect.append(f'--partition={opts.partition}')
    if opts and opts.account:
        collect.append(f'--account={opts.account}')
    collect += [f'--chdir={os.getcwd()}', '--wrap', wrap]
    out2 = subprocess.run(collect, check=True, capture_output=True,
                          text=True).stdout.strip()
    return [array_id, out2.split(';')[0]]
