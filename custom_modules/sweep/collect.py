"""Collecting a sweep's rows: from run dirs to results.csv and results.json
(summary.md and plots: :func:`.report.collect_sweep`).

Everything is rebuilt from the run directories alone (run.json, DONE,
attempts.jsonl, error.txt and the ``val_metrics_last.json`` written by
:class:`~custom_modules.engine.MetricsRecorderHook`), so

    python tools/sweep.py --collect work_dirs/sweeps/NAME

works after a crash, on a copy of the directory, or after a Slurm array
whose tasks ran on different nodes. No number is computed anywhere else.

One row per run (every seed is its own row): the swept values, the status,
every numeric metric of the last validation, the training time measured by
the hook and the wall time of all launches of the run. Runs that have not
finished are kept, with their status, so a table never hides a missing run.
"""
import csv
import os.path as osp
from typing import Any, Dict, List

from .rundir import (DONE, ERROR, METRICS_LAST, RUN_JSON, SWEEP_JSON,
                     list_run_dirs, read_attempts, read_json, run_status,
                     write_json_atomic)

# The six COCO numbers in the paper's order, under mmdet's key names.
COCO_KEYS = ('coco/bbox_mAP', 'coco/bbox_mAP_50', 'coco/bbox_mAP_75',
             'coco/bbox_mAP_s', 'coco/bbox_mAP_m', 'coco/bbox_mAP_l')
NOT_METRICS = ('iter', 'epoch', 'train_seconds', 'val_seconds')


def collect_rows(sweep_dir: str) -> List[Dict[str, Any]]:
    """One dict per run dir, in sweep order when sweep.json gives it."""
    rows = []
    for run_dir in list_run_dirs(sweep_dir):
        info = read_json(osp.join(run_dir, RUN_JSON)) or {}
        last = read_json(osp.join(run_dir, METRICS_LAST)) or {}
        done = read_json(osp.join(run_dir, DONE)) or {}
        attempts = read_attempts(run_dir)
        error = ''
        if osp.isfile(osp.join(run_dir, ERROR)):
            with open(osp.join(run_dir, ERROR)) as f:
                error = f.read().strip()
        rows.append(dict(
            run_id=info.get('run_id', osp.basename(run_dir)),
            label=info.get('label'),
            seed=info.get('seed'),
            overrides=info.get('overrides', {}),
            status=run_status(run_dir, info.get('max_iters')),
            iter=last.get('iter'),
            max_iters=info.get('max_iters'),
            train_seconds=last.get('train_seconds'),
            val_seconds=last.get('val_seconds'),
            wall_seconds=done.get('wall_seconds', round(sum(
                a.get('wall_seconds', 0) for a in attempts), 2) or None),
            attempts=len(attempts),
            metrics={k: v for k, v in last.items()
                     if k not in NOT_METRICS and isinstance(v, (int, float))},
            error=error,
            run_dir=run_dir,
            info=info))
    order = _sweep_order(sweep_dir)
    if order:
        rows.sort(key=lambda r: order.get(r['run_id'], len(order)))
    return rows


def _sweep_order(sweep_dir: str) -> Dict[str, int]:
    plan = read_json(osp.join(sweep_dir, SWEEP_JSON)) or {}
    return {r['run_id']: i for i, r in enumerate(plan.get('runs', []))}


def sweep_info(rows: List[Dict[str, Any]]) -> Dict[str, Any]:
    """The sweep-level description stored in the runs' run.json (the last
    written wins: a rerun with more seeds updates it)."""
    info: Dict[str, Any] = {}
    for r in rows:
        info = r['info'].get('sweep') or info
    return info


def metric_keys(rows: List[Dict[str, Any]]) -> List[str]:
    """Every metric seen in any run: the COCO six first, then the rest
    sorted (per-class APs, ARs...)."""
    seen = {k for r in rows for k in r['metrics']}
    return [k for k in COCO_KEYS if k in seen] + sorted(seen - set(COCO_KEYS))


def flat_row(row: Dict[str, Any], axes: List[str], names: Dict[str, str],
             metrics: List[str]) -> Dict[str, Any]:
    """A results.csv row: swept values under their short names."""
    out = dict(run_id=row['run_id'], label=row['label'] or '')
    for key in axes:
        out[names.get(key, key)] = row['overrides'].get(key, '')
    out['seed'] = row['seed'] if row['seed'] is not None else ''
    out.update(status=row['status'], iter=row['iter'],
               max_iters=row['max_iters'],
               train_seconds=row['train_seconds'],
               val_seconds=row['val_seconds'],
               wall_seconds=row['wall_seconds'], attempts=row['attempts'])
    for k in metrics:
        out[k] = row['metrics'].get(k, '')
    # One line in the CSV; the whole tail is in results.json and error.txt.
    out['error'] = row['error'].splitlines()[-1] if row['error'] else ''
    return out


def write_results(sweep_dir: str, rows: List[Dict[str, Any]]) -> List[str]:
    """results.csv and results.json; returns their paths."""
    info = sweep_info(rows)
    axes = info.get('axes') or []
    names = info.get('short_names') or {}
    metrics = metric_keys(rows)
    flat = [flat_row(r, axes, names, metrics) for r in rows]
    csv_path = osp.join(sweep_dir, 'results.csv')
    fields = list(flat[0].keys()) if flat else ['run_id', 'status']
    with open(csv_path, 'w', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(flat)
    json_path = osp.join(sweep_dir, 'results.json')
    write_json_atomic(json_path, dict(
        sweep=info,
        runs=[{k: v for k, v in r.items() if k not in ('info', 'run_dir')}
              for r in rows]))
    return [csv_path, json_path]
