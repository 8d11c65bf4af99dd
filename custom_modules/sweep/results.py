"""What a sweep measured: rows, tables, plots and its section of a page.

Everything is rebuilt from the run directories alone (run.json, DONE,
error.txt and ``val_metrics_last.json`` from MetricsRecorderHook), so
``tools/sweep.py --collect DIR`` works after a crash, on a copy of the
directory, or after a Slurm array whose tasks ran on different nodes.

* ``results.csv``/``results.json``: one row per run (every seed its own
  row), with its status, so a table never hides a missing run.
* ``summary.md``: runs that share every swept value but the seed form a
  *cell*; each metric is shown as the mean and the sample standard
  deviation (ddof = 1) over the seeds that finished. With ``best_over``
  (alpha, in the focal-gamma preset) the cells are also grouped by the
  other axes and the best mean AP kept: the paper's "best alpha per gamma".
  Reference rows (the CE baseline) stay out of that choice.
* ``plots/``: the mean AP of every cell of the first two varying axes as a
  heatmap, and AP along each axis with one-std error bars (values at equal
  spacing: the paper's gammas are neither linear nor logarithmic).
* With ``--doc docs/ablations.md``, the sweep's section of that page,
  between markers, so collecting again replaces only its own section, and
  its record ``docs/ablations/<name>/runs.json``: every finished run's
  final metrics and validation curve. work_dirs/ is not committed, so that
  file is what a fresh clone knows of the runs (tools/analysis/
  paper_claims.py reads it for the seeds it cannot find on disk).
  Collecting again adds and updates runs, and never drops one that this
  machine does not have. Each run keeps its recipe fingerprint, so that a
  sweep rerun with ``--doc`` on a new machine skips the runs the record
  holds finished with the same recipe, and its page shows them beside the
  runs trained there (``recorded_finished``, ``with_recorded``).
"""
import csv
import json
import math
import os
import os.path as osp
import shutil
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from custom_modules.analysis.paper_claims import at_plateau
from custom_modules.engine.metrics_recorder_hook import read_val_records
from custom_modules.reporting import markdown_table, replace_section
from .launch import (CONFIG, DONE, ERROR, RUN_JSON, plan_recipes, read_json,
                     run_status, write_json)

PRIMARY = 'coco/bbox_mAP'
# The six COCO numbers in the paper's order, and their column titles.
COLUMNS = {'coco/bbox_mAP': 'AP', 'coco/bbox_mAP_50': 'AP50',
           'coco/bbox_mAP_75': 'AP75', 'coco/bbox_mAP_s': 'APs',
           'coco/bbox_mAP_m': 'APm', 'coco/bbox_mAP_l': 'APl'}
NOT_METRICS = ('iter', 'epoch', 'train_seconds', 'val_seconds')
RECORD = 'runs.json'
DOC_HEADER = (
    '# Ablations\n\nMeasured tables, each written by `tools/sweep.py` from its '
    'run directories (`--collect DIR --doc docs/ablations.md`). Do not edit '
    'a section between its markers by hand: rerunning the collection '
    'replaces it.\n')


def box_curve(records: List[Dict[str, Any]]) -> List[Tuple[int, float]]:
    """(iteration, box AP in %) at each validation of a run (its
    val_metrics.jsonl records, or the curve its record keeps)."""
    return [(r['iter'], 100 * r['coco/bbox_mAP']) for r in records
            if r.get('coco/bbox_mAP') is not None]


def collect_rows(sweep_dir: str) -> List[Dict[str, Any]]:
    """One dict per run dir, in the plan's order."""
    if not osp.isdir(sweep_dir):
        return []
    rows = []
    for name in sorted(os.listdir(sweep_dir)):
        run_dir = osp.join(sweep_dir, name)
        info = read_json(osp.join(run_dir, RUN_JSON))
        if info is None:
            continue
        last = read_json(osp.join(run_dir, 'val_metrics_last.json')) or {}
        error = ''
        if osp.isfile(osp.join(run_dir, ERROR)):
            with open(osp.join(run_dir, ERROR)) as f:
                error = f.read().strip()
        rows.append(dict(
            run_id=info['run_id'], label=info.get('label'),
            seed=info.get('seed'), overrides=info.get('overrides', {}),
            status=run_status(run_dir), iter=last.get('iter'),
            max_iters=(info.get('sweep') or {}).get('max_iters'),
            train_seconds=last.get('train_seconds'),
            wall_seconds=(read_json(osp.join(run_dir, DONE)) or {}).get(
                'wall_seconds'),
            metrics={k: v for k, v in last.items()
                     if k not in NOT_METRICS and isinstance(v, (int, float))},
            curve=box_curve(read_val_records(run_dir)),
            error=error, info=info))
    order = {r: i for i, r in enumerate((read_json(osp.join(
        sweep_dir, 'sweep.json')) or {}).get('runs', []))}
    return sorted(rows, key=lambda r: order.get(r['run_id'], len(order)))


def sweep_info(rows: List[Dict[str, Any]]) -> Dict[str, Any]:
    """The sweep's description from its runs: that of the command which
    last wrote the most of them, so that a rerun with more seeds (which
    rewrites every run of its plan) updates it. A smaller command that
    added runs under the same name (two extra seeds of two cells, say)
    does not take over the page: its spec may lack the preset and the
    best-of axis that the grid's tables are built on. Every command is
    kept under ``commands``, with how many runs it last wrote."""
    by_command: Dict[str, Dict[str, Any]] = {}
    counts: Dict[str, int] = {}
    for r in rows:
        info = r['info'].get('sweep')
        if info:
            cmd = info.get('command') or ''
            by_command[cmd] = info
            counts[cmd] = counts.get(cmd, 0) + 1
    if not by_command:
        return {}
    # max() keeps the first of equals; reversed so the last written wins.
    main = max(reversed(list(by_command)), key=counts.get)
    return dict(by_command[main], commands=[
        dict(command=c, runs=counts[c]) for c in by_command])


def published(info: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The ``paper`` numbers of the sweep's preset (its spec file), or None.
    Read from the preset when the page is written rather than stored with
    the runs: they are facts about the paper, not about a run."""
    from .spec import load_preset
    if not info.get('preset'):
        return None
    try:
        return load_preset(info['preset']).get('paper')
    except (ValueError, FileNotFoundError):
        return None


def metric_keys(rows: List[Dict[str, Any]]) -> List[str]:
    """The COCO six first, then every other metric seen, sorted."""
    seen = {k for r in rows for k in r['metrics']}
    return [k for k in COLUMNS if k in seen] + sorted(seen - set(COLUMNS))


def mean_std(values: List[float]):
    vals = [v for v in values if v is not None and not math.isnan(v)]
    if not vals:
        return None, None
    mean = sum(vals) / len(vals)
    if len(vals) < 2:
        return mean, None
    return mean, math.sqrt(sum((v - mean) ** 2 for v in vals) /
                           (len(vals) - 1))


@dataclass
class Cell:
    values: Dict[str, Any]
    label: Optional[str]
    runs: List[Dict[str, Any]] = field(default_factory=list)
    mean: Dict[str, float] = field(default_factory=dict)
    std: Dict[str, Optional[float]] = field(default_factory=dict)

    @property
    def n_done(self) -> int:
        return sum(r['status'] == 'done' for r in self.runs)

    @property
    def n_plateau(self) -> int:
        """Finished seeds at a plateau by the paper studies' rule
        (analysis/paper_claims.py: the last two validations within 1 AP);
        a run with fewer than two validations is not counted."""
        return sum(r['status'] == 'done' and bool(at_plateau(r.get('curve')
                                                             or []))
                   for r in self.runs)


def cells(rows: List[Dict[str, Any]], axes: List[str]) -> List[Cell]:
    """Runs grouped by their swept values (or label), aggregated over the
    seeds that finished; in sweep order."""
    out: Dict[Any, Cell] = {}
    for r in rows:
        if r.get('label'):
            key = ('label', r['label'])
            values = {k: v for k, v in r['overrides'].items()
                      if k != 'randomness.seed'}
        else:
            values = {k: r['overrides'].get(k) for k in axes}
            key = tuple(repr(values[k]) for k in axes)
        out.setdefault(key, Cell(values, r.get('label'))).runs.append(r)
    metrics = metric_keys(rows)
    for c in out.values():
        done = [r for r in c.runs if r['status'] == 'done']
        for m in metrics + ['train_seconds', 'wall_seconds']:
            vals = [r['metrics'].get(m) if m in metrics else r.get(m)
                    for r in done]
            mean, std = mean_std([v for v in vals if v is not None])
            if mean is not None:
                c.mean[m], c.std[m] = mean, std
    return list(out.values())


def _done_seeds(c: Cell, metric: str) -> Dict[Any, float]:
    return {r['seed']: r['metrics'][metric] for r in c.runs
            if r['status'] == 'done' and r['metrics'].get(metric) is not None}


def best_per(grid: List[Cell], axes: List[str], best_over: str,
             metric: str = PRIMARY):
    """For each combination of the other axes, the cell with the highest
    ``metric`` (first in sweep order on ties). The candidates are compared
    on the seeds that all of them finished: a cell with five seeds against
    one with a single lucky seed would otherwise be a comparison of
    draws. Without a common seed, each cell's own mean decides."""
    others = [a for a in axes if a != best_over]
    rows: Dict[Any, List[Cell]] = {}
    for c in grid:
        if metric in c.mean:
            rows.setdefault(tuple(repr(c.values.get(a)) for a in others),
                            []).append(c)
    best = []
    for candidates in rows.values():
        by_seed = [_done_seeds(c, metric) for c in candidates]
        shared = set.intersection(*(set(s) for s in by_seed))

        def score(i):
            if not shared:
                return candidates[i].mean[metric]
            return sum(by_seed[i][s] for s in shared) / len(shared)
        # max() keeps the first of equals, which is sweep order.
        best.append(candidates[max(range(len(candidates)), key=score)])
    return others, best


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------
def write_results(sweep_dir: str, rows: List[Dict[str, Any]]) -> List[str]:
    info = sweep_info(rows)
    names = info.get('short_names') or {}
    metrics = metric_keys(rows)
    flat = []
    for r in rows:
        row = dict(run_id=r['run_id'], label=r['label'] or '')
        for key in info.get('axes') or []:
            row[names.get(key, key)] = r['overrides'].get(key, '')
        row.update(seed='' if r['seed'] is None else r['seed'],
                   status=r['status'], iter=r['iter'],
                   max_iters=r['max_iters'], train_seconds=r['train_seconds'],
                   wall_seconds=r['wall_seconds'])
        row.update({m: r['metrics'].get(m, '') for m in metrics})
        # One line in the CSV; the whole tail is in results.json.
        row['error'] = r['error'].splitlines()[-1] if r['error'] else ''
        flat.append(row)
    csv_path = osp.join(sweep_dir, 'results.csv')
    with open(csv_path, 'w', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=list(flat[0]))
        writer.writeheader()
        writer.writerows(flat)
    json_path = osp.join(sweep_dir, 'results.json')
    write_json(json_path, dict(sweep=info, runs=[
        {k: v for k, v in r.items() if k != 'info'} for r in rows]))
    return [csv_path, json_path]


def record_path(doc: str, name: str) -> str:
    """Where ``--doc DOC`` keeps sweep ``name``'s record."""
    return osp.join(osp.dirname(osp.abspath(doc)), 'ablations', name, RECORD)


def write_record(path: str, sweep_dir: str,
                 rows: List[Dict[str, Any]]) -> str:
    """Merge this machine's finished runs into the record at ``path``
    (see the module docstring): per run its seed, overrides, final metrics,
    the COCO six at every validation, its recipe fingerprint, the command
    that planned it and the machine it trained on. A run restored from the
    record (``recorded``) is already there as it was."""
    old = read_json(path) or {}
    runs = {r['run_id']: r for r in old.get('runs', [])}
    for r in rows:
        if r['status'] != 'done' or r.get('recorded'):
            continue
        kept = runs.get(r['run_id'])
        if kept and kept.get('recipe') and \
                (kept.get('iter'), kept.get('train_seconds'),
                 kept.get('metrics')) == \
                (r['iter'], r['train_seconds'], r['metrics']):
            # Recorded from this very run at an earlier collection (the
            # sweep collects after every run): reading its config again for
            # the fingerprint would only repeat the same answer.
            continue
        curve = [dict({k: rec[k] for k in COLUMNS if k in rec},
                      iter=rec['iter'])
                 for rec in read_val_records(osp.join(sweep_dir,
                                                      r['run_id']))]
        runs[r['run_id']] = dict(
            run_id=r['run_id'], label=r['label'], seed=r['seed'],
            overrides=r['overrides'], iter=r['iter'],
            max_iters=r['max_iters'], train_seconds=r['train_seconds'],
            metrics=r['metrics'], curve=curve,
            recipe=run_recipe(osp.join(sweep_dir, r['run_id'])),
            command=(r['info'].get('sweep') or {}).get('command'),
            environment=r['info'].get('environment'))
    os.makedirs(osp.dirname(path), exist_ok=True)
    write_json(path, dict(sweep=sweep_info(rows) or old.get('sweep'),
                          runs=sorted(runs.values(),
                                      key=lambda r: r['run_id'])))
    return path


def run_recipe(run_dir: str) -> Optional[str]:
    """The recipe fingerprint (apis/recipe.py) of the config a run dir
    trains; None without one."""
    path = osp.join(run_dir, CONFIG)
    if not osp.isfile(path):
        return None
    from mmengine.config import Config
    from custom_modules.apis.recipe import recipe_of
    return recipe_of(Config.fromfile(path))


def read_record(doc: str, name: str) -> Dict[str, Any]:
    """Sweep ``name``'s record under ``doc`` (``{'sweep': ..., 'runs':
    [...]}``), empty when there is none yet."""
    return read_json(record_path(doc, name)) or dict(sweep={}, runs=[])


def recorded_finished(record: Dict[str, Any], recipes: Dict[str, str]
                      ) -> List[str]:
    """The run ids of a plan (``recipes``: run id -> the recipe
    fingerprint of its config) that the record holds finished with that
    very recipe: a sweep rerun on a new machine, whose run dirs died with
    the old one, skips them and its page shows their recorded numbers.
    ``ValueError`` when the record holds a run of the plan trained from
    another recipe (the config was edited since): its numbers and new ones
    would sit in one table, so the sweep needs another name."""
    done = []
    for entry in record.get('runs', []):
        want = recipes.get(entry['run_id'])
        if want is None:
            continue
        if entry.get('recipe') is None:
            continue    # recorded before runs kept theirs: cannot vouch
        if entry['recipe'] != want:
            raise ValueError(
                f"the record of sweep {record['sweep'].get('name')!r} holds "
                f"{entry['run_id']} trained from another recipe of "
                f"{record['sweep'].get('config')} (it has been edited "
                'since); give this sweep another --name')
        if entry.get('iter') is not None and \
                entry.get('iter') == entry.get('max_iters'):
            done.append(entry['run_id'])
    return done


def runs_to_skip(plan, doc: str) -> List[str]:
    """The run dirs of ``plan`` that need no training: the record beside
    ``doc`` holds them finished with the plan's recipe, and this machine
    has not begun them. A run begun here trains on, since from then on its
    run dir, not the record, is what the page shows. ``ValueError`` as
    :func:`recorded_finished` raises it."""
    finished = recorded_finished(read_record(doc, plan.name),
                                 plan_recipes(plan))
    dirs = [plan.run_dir(r) for r in plan.runs if r.run_id in finished]
    return [d for d in dirs
            if run_status(d) != 'done' and not read_val_records(d)]


def with_recorded(rows: List[Dict[str, Any]], record: Dict[str, Any]
                  ) -> List[Dict[str, Any]]:
    """The run dirs' rows with the record's finished runs standing in for
    those not finished here (and added where this machine has no run dir
    for them at all): the page of a sweep continued on a new machine shows
    every finished run, not only this machine's. A run finished here is
    shown from its run dir."""
    sweep = {k: v for k, v in (record.get('sweep') or {}).items()
             if k != 'commands'}
    recorded = {}
    for entry in record.get('runs', []):
        recorded[entry['run_id']] = dict(
            run_id=entry['run_id'], label=entry.get('label'),
            seed=entry.get('seed'), overrides=entry.get('overrides', {}),
            status='done', iter=entry.get('iter'),
            max_iters=entry.get('max_iters'),
            train_seconds=entry.get('train_seconds'), wall_seconds=None,
            metrics=dict(entry.get('metrics') or {}),
            curve=box_curve(entry.get('curve') or []), error='',
            recorded=True, info=dict(
                run_id=entry['run_id'], environment=entry.get('environment'),
                sweep=dict(sweep, command=entry.get('command')
                           or sweep.get('command'))))
    merged = [r if r['status'] == 'done' or r['run_id'] not in recorded
              else recorded[r['run_id']] for r in rows]
    here = {r['run_id'] for r in rows}
    return merged + [r for i, r in sorted(recorded.items())
                     if i not in here]


def _ap(c: Cell, m: str) -> str:
    if m not in c.mean:
        return '-'
    std = c.std.get(m)
    return f'{100 * c.mean[m]:.1f}' + ('' if std is None
                                        else f' ± {100 * std:.1f}')


def _table(header: List[str], rows: List[List[str]]) -> List[str]:
    return markdown_table(header, rows) + ['']


def render_report(rows: List[Dict[str, Any]], figures: List[str],
                  relative_to: str, level: int = 1) -> str:
    info = sweep_info(rows)
    axes, names = info.get('axes') or [], info.get('short_names') or {}
    name = lambda k: names.get(k, k.split('.')[-1])  # noqa: E731
    metrics = [m for m in COLUMNS if m in metric_keys(rows)]
    all_cells = cells(rows, axes)
    grid = [c for c in all_cells if c.label is None]
    refs = [c for c in all_cells if c.label is not None]
    h = '#' * level
    counts: Dict[str, int] = {}
    for r in rows:
        counts[r['status']] = counts.get(r['status'], 0) + 1
    out = [f'{h} Sweep `{info.get("name")}`', '']
    if info.get('title'):
        out += [f'{info["title"]}, reproduced on this config.', '']
    out += [f'- Config: `{info.get("config")}`',
            f'- Command: `{info.get("command")}`',
            *[f'- Also: `{c["command"]}` ({c["runs"]} runs)'
              for c in info.get('commands', [])
              if c['command'] != info.get('command')],
            f'- Runs: {len(rows)} (' + ', '.join(
                f'{v} {k}' for k, v in sorted(counts.items())) +
            f'); seeds: {info.get("seeds")}; max_iters: '
            f'{info.get("max_iters")}']
    from_record = sum(1 for r in rows if r.get('recorded'))
    if from_record:
        out.append(f'- From the record: {from_record} finished runs whose '
                   'run dirs are not on this machine (trained on another)')
    if info.get('fixed_overrides'):
        out.append('- Fixed overrides: `' + ' '.join(
            f'{k}={v}' for k, v in info['fixed_overrides'].items()) + '`')
    envs = {json.dumps(r['info'].get('environment'), sort_keys=True): r
            for r in rows if r['info'].get('environment')}
    for env in envs.values():
        out.append('- Machine: ' + ', '.join(
            f'{k} {v}' for k, v in env['info']['environment'].items()))
    out += ['', 'COCO box AP (%) on the val split at the last validation, '
            'mean ± sample std over the seeds that finished ("seeds done"). '
            '"train s": training time without validation '
            '(MetricsRecorderHook); "run s": wall time of the finishing '
            'launch. Both are means over seeds. "at plateau": of the '
            'seeds done, those whose last two validations are within 1 box '
            'AP, the rule under which docs/paper_claims.md counts a run.',
            '']
    header = [COLUMNS[m] for m in metrics] + ['seeds done', 'at plateau',
                                             'train s', 'run s']

    def cells_of(c):
        return [_ap(c, m) for m in metrics] + [
            f'{c.n_done}/{len(c.runs)}', f'{c.n_plateau}/{c.n_done}'] + [
            '-' if c.mean.get(k) is None else f'{c.mean[k]:.0f}'
            for k in ('train_seconds', 'wall_seconds')]
    best_over = info.get('best_over')
    if best_over in axes and grid:
        others, best = best_per(grid, axes, best_over)
        paper = published(info)
        out += [f'{h}# Best {name(best_over)} per '
                f'{", ".join(name(a) for a in others)}', '']

        def beside(c):
            """The paper's best value and AP for this cell's other axes."""
            if not paper:
                return []
            pub = paper['rows'].get(
                ', '.join(str(c.values.get(a)) for a in others), {})
            return [str(pub.get(name(best_over), '–')),
                    str(pub.get('AP', '–'))]
        out += _table([name(a) for a in others] + [f'best {name(best_over)}']
                      + header + ([f'paper: best {name(best_over)}',
                                   'paper: AP'] if paper else []),
                      [[str(c.values.get(a)) for a in others] +
                       [str(c.values.get(best_over))] + cells_of(c) +
                       beside(c) for c in best])
        out += [f'The best {name(best_over)} of a row is chosen on the '
                'seeds that all its cells finished; its AP is over all of '
                'its own seeds.', '']
        if paper:
            out += [f"Paper columns: {paper['source']}. The absolute APs "
                    'are another dataset and backbone; what compares is '
                    'the shape along the rows.', '']
    if refs:
        out += [f'{h}# Reference runs', '']
        out += _table(['run', 'overrides'] + header, [
            [c.label, ', '.join(f'{name(k)}={v}' for k, v in
                                c.values.items())] + cells_of(c)
            for c in refs])
    if grid:
        out += [f'{h}# All {"cells" if axes else "runs"}', '']
        out += _table([name(a) for a in axes] + header,
                      [[str(c.values.get(a)) for a in axes] + cells_of(c)
                       for c in grid])
    if not metrics:
        out += ['No finished runs yet.', '']
    bad = [r for r in rows if r['status'] != 'done']
    if bad:
        out += [f'{h}# Runs not finished', '']
        for r in bad:
            last = r['error'].splitlines()[-1] if r['error'] else ''
            out.append(f'- `{r["run_id"]}`: {r["status"]}' +
                       (f' (`{last}`)' if last else ''))
        out.append('')
    if figures:
        out += [f'{h}# Plots', '']
        out += [f'![{osp.splitext(osp.basename(p))[0]}]'
                f'({osp.relpath(p, relative_to)})' for p in figures] + ['']
    return '\n'.join(out)


# --------------------------------------------------------------------------
# Plots (matplotlib, headless)
# --------------------------------------------------------------------------
def make_plots(rows: List[Dict[str, Any]], out_dir: str,
               metric: str = PRIMARY) -> List[str]:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    import numpy as np
    info = sweep_info(rows)
    axes, names = info.get('axes') or [], info.get('short_names') or {}
    grid = [c for c in cells(rows, axes)
            if c.label is None and metric in c.mean]
    values = {a: list(dict.fromkeys(repr(c.values.get(a)) for c in grid))
              for a in axes}
    varying = [a for a in axes if len(values[a]) > 1]
    if not grid:
        return []
    os.makedirs(out_dir, exist_ok=True)

    def best(want):
        """The best cell matching ``want`` (best over any further axes)."""
        cands = [c for c in grid if all(repr(c.values.get(k)) == v
                                        for k, v in want.items())]
        return max(cands, key=lambda c: c.mean[metric]) if cands else None

    def ticks(axis):
        return [v.strip('\'"') for v in values[axis]]  # repr -> as typed

    paths = []
    if len(varying) >= 2:
        a, b = varying[:2]
        heat = np.array([[100 * c.mean[metric] if (c := best(
            {a: va, b: vb})) else np.nan for vb in values[b]]
            for va in values[a]])
        fig, ax = plt.subplots(figsize=(1.2 + 0.9 * len(values[b]),
                                        1.0 + 0.55 * len(values[a])))
        im = ax.imshow(heat, cmap='viridis', aspect='auto')
        ax.set_xticks(range(len(values[b])), ticks(b))
        ax.set_yticks(range(len(values[a])), ticks(a))
        na, nb = names.get(a, a), names.get(b, b)
        ax.set_xlabel(nb)
        ax.set_ylabel(na)
        mid = np.nanmean(heat)
        for (i, j), v in np.ndenumerate(heat):
            if np.isfinite(v):
                ax.text(j, i, f'{v:.1f}', ha='center', va='center',
                        fontsize=8, color='black' if v > mid else 'white')
        fig.colorbar(im, ax=ax, label='AP (%)')
        ax.set_title(f'AP over {na} x {nb}')
        fig.tight_layout()
        paths.append(osp.join(out_dir, f'heatmap_{na}_{nb}.png'))
        fig.savefig(paths[-1], dpi=120)
        plt.close(fig)
    for axis in varying or axes[:1]:
        others = [a for a in varying if a != axis]
        series = values[others[0]] if len(others) == 1 else [None]
        fig, ax = plt.subplots(figsize=(5, 3.5))
        for sv in series:
            pts = [(i, c) for i, xv in enumerate(values[axis])
                   if (c := best({axis: xv, **({others[0]: sv}
                                               if sv else {})}))]
            ax.errorbar([i for i, _ in pts],
                        [100 * c.mean[metric] for _, c in pts],
                        yerr=[100 * (c.std.get(metric) or 0) for _, c in pts],
                        marker='o', capsize=3,
                        label=sv and f'{names.get(others[0])}={sv}')
        name = names.get(axis, axis)
        ax.set_xticks(range(len(values[axis])), ticks(axis))
        ax.set_xlabel(name)
        ax.set_ylabel('AP (%)')
        ax.grid(alpha=0.3)
        if series != [None]:
            ax.legend(fontsize=8)
        ax.set_title(f'AP vs {name} (mean ± std over seeds)', fontsize=9)
        fig.tight_layout()
        paths.append(osp.join(out_dir, f'ap_vs_{name}.png'))
        fig.savefig(paths[-1], dpi=120)
        plt.close(fig)
    return paths


def collect_sweep(sweep_dir: str, doc: Optional[str] = None,
                  plots: bool = True) -> Dict[str, Any]:
    """results.csv/.json, plots/ and summary.md of ``sweep_dir``; with
    ``doc``, also this sweep's section of that page (its figures copied to
    ``<doc dir>/ablations/<name>/``, since work_dirs/ is not committed).
    Returns the paths written and the status counts."""
    rows = collect_rows(sweep_dir)
    if not rows:
        raise FileNotFoundError(f'no run dirs (with {RUN_JSON}) under '
                                f'{sweep_dir}')
    if doc:
        rows = with_recorded(rows, read_record(
            doc, sweep_info(rows).get('name') or 'sweep'))
    written = write_results(sweep_dir, rows)
    figures = make_plots(rows, osp.join(sweep_dir, 'plots')) if plots else []
    summary = osp.join(sweep_dir, 'summary.md')
    with open(summary, 'w') as f:
        f.write(render_report(rows, figures, sweep_dir))
    written += figures + [summary]
    if doc:
        name = sweep_info(rows).get('name') or 'sweep'
        doc_dir = osp.dirname(osp.abspath(doc))
        copies = []
        for fig in figures:
            os.makedirs(osp.join(doc_dir, 'ablations', name), exist_ok=True)
            copies.append(osp.join(doc_dir, 'ablations', name,
                                   osp.basename(fig)))
            shutil.copyfile(fig, copies[-1])
        text = DOC_HEADER
        if osp.isfile(doc):
            with open(doc) as f:
                text = f.read()
        with open(doc, 'w') as f:
            f.write(replace_section(text, f'sweep:{name}', render_report(
                rows, copies, doc_dir, level=2)))
        written += [doc] + copies + [
            write_record(record_path(doc, name), sweep_dir, rows)]
    counts: Dict[str, int] = {}
    for r in rows:
        counts[r['status']] = counts.get(r['status'], 0) + 1
    return dict(written=written, counts=counts)
