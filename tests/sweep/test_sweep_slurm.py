"""The Slurm job array script: one task per run, the same run dirs, and the
collection step afterwards."""
import os

from custom_modules.sweep.api import build_spec
from custom_modules.sweep.plan import build_plan
from custom_modules.sweep.slurm import SlurmOptions, write_array_script

CONFIG = 'configs/ablations/retinanet_r18_fpn_160_focal_ablation.py'


def test_array_script(tmp_path):
    spec = build_spec(preset='focal-alpha', seeds='0,1')
    plan = build_plan(CONFIG, spec, name='fa', max_iters=100,
                      root=str(tmp_path))
    plan.write()
    run_dirs = [plan.run_dir(r) for r in plan.runs]
    assert len(run_dirs) == 2 * (6 + 1)    # 6 alphas + CE, 2 seeds
    opts = SlurmOptions(gpus_per_run=2, cpus_per_task=10, partition='gpu',
                        time='2:00:00', max_parallel=4)
    path = write_array_script(plan.sweep_dir, plan.name, run_dirs, opts,
                              doc='docs/ablations.md')
    assert path == os.path.join(plan.sweep_dir, 'slurm', 'sweep.sbatch')
    text = open(path).read()
    lines = text.splitlines()
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
    assert 'RUN_DIR=${RUN_DIRS[$SLURM_ARRAY_TASK_ID]}' in lines
    task = next(ln for ln in lines if '--run-task' in ln)
    assert 'tools/sweep.py --run-task "$RUN_DIR" --gpus-per-run 2' in task
    assert '--threads "${SLURM_CPUS_PER_TASK:-1}"' in task
    # Each task's training command, multi-GPU through torchrun.
    train_lines = [ln for ln in lines if ln.startswith('#   ') and
                   'tools/train.py' in ln]
    assert len(train_lines) == len(run_dirs)
    assert '--nproc_per_node=2' in train_lines[0]
    assert 'model.bbox_head.loss_cls.alpha=0.999' in train_lines[5]
    assert 'randomness.seed=1' in train_lines[-1]
    assert '--launcher pytorch' in train_lines[0]
    # The collection step after the array.
    assert any('--collect' in ln and 'docs/ablations.md' in ln for ln in lines)
