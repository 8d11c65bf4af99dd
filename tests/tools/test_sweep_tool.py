"""tools/sweep.py end to end on a tiny sweep: parallel runs, a failing run
recorded while the others go on, and a rerun of the same command that skips
the finished run and resumes the interrupted one from its checkpoint.

Three runs (--zip) of the ablation config at 64 px on 8 images, 4 iterations
each with a checkpoint at iteration 2; the third run has alpha=None, which
mmdet's FocalLoss cannot multiply, so it fails at its first iteration.
"""
import csv
import json
import os
import subprocess
import sys

import pytest
from conftest import REPO, shapes_overrides

# End-to-end runs of the real tools: make test-fast skips them.
pytestmark = pytest.mark.slow

CONFIG = 'configs/ablations/retinanet_r18_fpn_160_focal_ablation.py'
A_RUN, B_RUN, BAD_RUN = ('gamma=0_alpha=0.25', 'gamma=2_alpha=0.25',
                         'gamma=2_alpha=None')


def sweep_cmd(root, data_root):
    fixed = shapes_overrides(data_root, batch_size=2)
    fixed.update({'train_dataloader.dataset.pipeline.2.scale': '(64,64)',
                  'val_dataloader.dataset.pipeline.1.scale': '(64,64)',
                  'default_hooks.checkpoint.max_keep_ckpts': 3,
                  'default_hooks.logger.interval': 1})
    return [sys.executable, 'tools/sweep.py', CONFIG,
            '--grid', 'model.bbox_head.loss_cls.gamma=0,2,2',
            '--grid', 'model.bbox_head.loss_cls.alpha=0.25,0.25,None',
            '--zip', '--max-iters', '4', '--val-interval', '2',
            '--workers', '2', '--root', str(root), '--name', 'tiny',
            '--cfg-options', *[f'{k}={v}' for k, v in fixed.items()]]


def run(cmd):
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True,
                          timeout=600)


def launches(run_dir):
    """How many times the sweep started the run's training (each launch
    writes a banner to its stdout.log)."""
    with open(os.path.join(run_dir, 'stdout.log')) as f:
        return f.read().count('===== ')


@pytest.fixture(scope='module')
def first_sweep(tiny_shapes, tmp_path_factory):
    root = tmp_path_factory.mktemp('sweeps')
    cmd = sweep_cmd(root, tiny_shapes)
    return cmd, run(cmd), root / 'tiny'


def test_runs_finish_and_failure_is_recorded(first_sweep):
    _, proc, sweep = first_sweep
    assert proc.returncode == 1, proc.stderr[-3000:]   # one run failed
    for name in (A_RUN, B_RUN):
        d = sweep / name
        assert (d / 'DONE').exists(), (d / 'stderr.log').read_text()[-3000:]
        assert json.load(open(d / 'val_metrics_last.json'))['iter'] == 4
        info = json.load(open(d / 'run.json'))
        assert info['overrides']['model.bbox_head.loss_cls.alpha'] == 0.25
    bad = sweep / BAD_RUN
    assert not (bad / 'DONE').exists()
    error = (bad / 'error.txt').read_text()
    assert error.startswith('exit code 1') and 'NoneType' in error
    assert '1 run(s) failed' in proc.stderr
    # Progress over runs, on stderr.
    assert '3/3 runs' in proc.stderr and 'ETA' in proc.stderr
    # The tables rewritten after each run raised nothing (the runner would
    # have logged 'after <run>: <error>').
    assert not [ln for ln in proc.stderr.splitlines()
                if ln.startswith('after ')]


def test_swept_gamma_reaches_the_trained_model(first_sweep):
    from mmengine.config import Config
    from mmdet.registry import MODELS
    import custom_modules  # noqa: F401  (registers DetLab's classes)
    from mmdet.utils import register_all_modules
    register_all_modules()
    # The config mmengine dumped into the run's work dir is what trained.
    dumped = first_sweep[2] / B_RUN / 'config.py'
    cfg = Config.fromfile(str(dumped))
    loss = MODELS.build(cfg.model).bbox_head.loss_cls
    assert (type(loss).__name__, loss.gamma, loss.alpha) == ('FocalLoss', 2,
                                                            0.25)
    assert cfg.train_cfg.max_iters == 4
    assert cfg.param_scheduler[1].end == 4


def test_results_collected_after_the_sweep(first_sweep):
    sweep = first_sweep[2]
    with open(sweep / 'results.csv') as f:
        rows = {r['run_id']: r for r in csv.DictReader(f)}
    assert {k: r['status'] for k, r in rows.items()} == {
        A_RUN: 'done', B_RUN: 'done', BAD_RUN: 'failed'}
    assert rows[A_RUN]['coco/bbox_mAP'] != ''
    assert 'NoneType' in rows[BAD_RUN]['error']
    assert (sweep / 'summary.md').exists()


def test_rerun_skips_finished_and_resumes_interrupted(first_sweep):
    cmd, _, sweep = first_sweep
    a, b = sweep / A_RUN, sweep / B_RUN
    # Make run B look killed after its iteration-2 checkpoint: no DONE, no
    # final checkpoint, last_checkpoint and the metrics back at iteration 2.
    os.remove(b / 'DONE')
    os.remove(b / 'iter_4.pth')
    (b / 'last_checkpoint').write_text(str(b / 'iter_2.pth'))
    first_val = (b / 'val_metrics.jsonl').read_text().splitlines()[0]
    assert json.loads(first_val)['iter'] == 2
    (b / 'val_metrics_last.json').write_text(first_val)
    a_done_mtime = os.path.getmtime(a / 'DONE')
    a_log = (a / 'stdout.log').read_text()

    proc = run(cmd)
    assert proc.returncode == 1, proc.stderr[-3000:]  # BAD_RUN fails again
    assert '1 run(s) already done, 2 to run' in proc.stderr
    # A was not re-executed.
    assert launches(a) == 1
    assert os.path.getmtime(a / 'DONE') == a_done_mtime
    assert (a / 'stdout.log').read_text() == a_log
    # B resumed from iteration 2 and finished.
    assert launches(b) == 2 and (b / 'DONE').exists()
    log = (b / 'stdout.log').read_text() + (b / 'stderr.log').read_text()
    assert 'resumed epoch: 0, iter: 2' in log
    assert json.load(open(b / 'val_metrics_last.json'))['iter'] == 4
    # The failed run was retried, and failed again.
    assert launches(sweep / BAD_RUN) == 2


def test_collect_only_rebuilds_from_run_dirs(first_sweep):
    sweep = first_sweep[2]
    os.remove(sweep / 'results.csv')
    proc = run([sys.executable, 'tools/sweep.py', '--collect', str(sweep)])
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'runs: 2 done, 1 failed' in proc.stdout
    assert (sweep / 'results.csv').exists()


def test_dry_run_names_the_runs_the_record_holds(tmp_path, run_tool):
    """A rerun with --doc on a new machine: the runs the committed record
    holds finished with the same recipe are listed as skipped, the others
    will train; --retrain trains them all. No training here."""
    from custom_modules.sweep.launch import build_plan, plan_recipes
    from custom_modules.sweep.spec import build_spec
    grid = ['model.bbox_head.loss_cls.gamma=0,2']
    plan = build_plan(CONFIG, build_spec(grid, seeds='0'), name='fg',
                      max_iters=20, root=str(tmp_path / 'old'))
    recipes = plan_recipes(plan)
    record = tmp_path / 'docs' / 'ablations' / 'fg' / 'runs.json'
    record.parent.mkdir(parents=True)
    entry = {'run_id': 'gamma=0_seed=0', 'iter': 20, 'max_iters': 20,
             'recipe': recipes['gamma=0_seed=0'],
             'metrics': {'coco/bbox_mAP': 0.3}}
    record.write_text(json.dumps({'sweep': {'name': 'fg', 'config': CONFIG},
                                  'runs': [entry]}))
    cmd = ['tools/sweep.py', CONFIG, '--grid', grid[0], '--seeds', '0',
           '--max-iters', '20', '--name', 'fg', '--root',
           str(tmp_path / 'new'), '--doc', str(tmp_path / 'docs' / 'a.md'),
           '--dry-run']
    proc = run_tool(cmd)
    assert proc.returncode == 0, proc.stderr
    assert '1 run(s) finished in the record of' in proc.stdout
    lines = proc.stdout.splitlines()
    assert any(ln.startswith('gamma=0_seed=0: ') and
               ln.endswith('(in the record: skipped)') for ln in lines)
    assert any(ln.startswith('gamma=2_seed=0: ') and
               not ln.endswith('skipped)') for ln in lines)
    proc = run_tool(cmd + ['--retrain'])
    assert 'skipped' not in proc.stdout
    # the config was edited since: one line, no run planned
    record.write_text(record.read_text().replace(recipes['gamma=0_seed=0'],
                                                 'edited'))
    proc = run_tool(cmd)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"error: the record of sweep 'fg' holds gamma=0_seed=0 trained from "
        f'another recipe of {CONFIG} (it has been edited since); give this '
        'sweep another --name']
