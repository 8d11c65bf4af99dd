"""Collecting a sweep (:func:`collect_sweep`: results, plots, summary.md)
and rendering its summary as markdown: summary.md and docs/ablations.md.

The report says what a reader needs to trust or rerun a table: the config,
the exact sweep command, the machine and the library versions the runs were
measured with (recorded by each run, see :mod:`.environment`), the number of
seeds behind each mean, and which runs failed or did not finish. Every number
in it comes from the run dirs; nothing is typed in by hand.

``docs/ablations.md`` holds one section per sweep, between HTML-comment
markers, so collecting a sweep again replaces its own section and leaves the
other sweeps' sections (and any prose around them) alone.
"""
import json
import os
import os.path as osp
import shutil
from typing import Any, Dict, List, Optional

from .collect import collect_rows, sweep_info, write_results
from .presets import PRESET_TITLES
from .rundir import RUN_JSON
from custom_modules.reporting import replace_section
from .summary import Group, Summary, summarize

# Column titles of the six COCO numbers, as in the paper's tables.
COLUMN_TITLES = {
    'coco/bbox_mAP': 'AP', 'coco/bbox_mAP_50': 'AP50',
    'coco/bbox_mAP_75': 'AP75', 'coco/bbox_mAP_s': 'APs',
    'coco/bbox_mAP_m': 'APm', 'coco/bbox_mAP_l': 'APl'}
DOC_HEADER = (
    '# Ablations\n\n'
    'Measured tables, each written by `tools/sweep.py` from its run '
    'directories (`--collect DIR --doc docs/ablations.md`). Do not edit a '
    'section between its markers by hand: rerunning the collection '
    'replaces it.\n')


def fmt_ap(mean: Optional[float], std: Optional[float]) -> str:
    """COCO AP (a 0-1 fraction) as the paper prints it: percent, 1 decimal,
    with the std over seeds when there are several."""
    if mean is None:
        return '-'
    if std is None:
        return f'{100 * mean:.1f}'
    return f'{100 * mean:.1f} ± {100 * std:.1f}'


def fmt_value(value: Any) -> str:
    return '' if value is None else str(value)


def _table(header: List[str], rows: List[List[str]]) -> str:
    lines = ['| ' + ' | '.join(header) + ' |',
             '|' + '|'.join('---' for _ in header) + '|']
    lines += ['| ' + ' | '.join(r) + ' |' for r in rows]
    return '\n'.join(lines) + '\n'


def _metric_cells(g: Group, metrics: List[str]) -> List[str]:
    cells = [fmt_ap(g.mean.get(m), g.std.get(m)) for m in metrics]
    cells.append(f'{g.n_done}/{g.n_runs}')
    for key in ('train_seconds', 'wall_seconds'):
        t = g.mean.get(key)
        cells.append('-' if t is None else f'{t:.0f}')
    return cells


def _metric_header(metrics: List[str]) -> List[str]:
    return [COLUMN_TITLES[m] for m in metrics] + ['seeds done', 'train s',
                                                  'run s']


def render_tables(summary: Summary, level: int = 2) -> str:
    h = '#' * level
    metrics = [m for m in COLUMN_TITLES if m in summary.metrics]
    names = [summary.names.get(a, a) for a in summary.axes]
    out = []
    if summary.best:
        other = [a for a in summary.axes if a != summary.best_over]
        best_name = summary.names.get(summary.best_over, summary.best_over)
        out.append(f'{h} Best {best_name} per '
                   f'{", ".join(summary.names.get(a, a) for a in other)}\n')
        rows = []
        for fixed, g in summary.best:
            rows.append([fmt_value(fixed[a]) for a in other] +
                        [fmt_value(g.values.get(summary.best_over))] +
                        _metric_cells(g, metrics))
        header = ([summary.names.get(a, a) for a in other] +
                  [f'best {best_name}'] + _metric_header(metrics))
        out.append(_table(header, rows))
    if summary.references:
        out.append(f'{h} Reference runs\n')
        rows = []
        for g in summary.references:
            setting = ', '.join(f'{summary.names.get(k, k.split(".")[-1])}='
                                f'{v}' for k, v in g.values.items())
            rows.append([g.label, setting] + _metric_cells(g, metrics))
        out.append(_table(['run', 'overrides'] + _metric_header(metrics),
                          rows))
    if summary.groups:
        out.append(f'{h} All {"cells" if summary.axes else "runs"}\n')
        rows = [[fmt_value(g.values.get(a)) for a in summary.axes] +
                _metric_cells(g, metrics) for g in summary.groups]
        out.append(_table(names + _metric_header(metrics), rows))
    return '\n'.join(out)


def _environments(rows: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    seen, out = set(), []
    for r in rows:
        env = r['info'].get('environment')
        if env and json.dumps(env, sort_keys=True) not in seen:
            seen.add(json.dumps(env, sort_keys=True))
            out.append(env)
    return out


def render_report(summary: Summary, rows: List[Dict[str, Any]],
                  info: Dict[str, Any], figures: List[str],
                  relative_to: str, level: int = 1) -> str:
    h = '#' * level
    name = info.get('name') or osp.basename(osp.normpath(relative_to))
    counts: Dict[str, int] = {}
    for r in rows:
        counts[r['status']] = counts.get(r['status'], 0) + 1
    out = [f'{h} Sweep `{name}`\n']
    if summary.preset in PRESET_TITLES:
        out.append(f'{PRESET_TITLES[summary.preset]} (Lin et al., ICCV '
                   '2017), reproduced on this config.\n')
    lines = [f'- Config: `{info.get("config", "?")}`',
             f'- Command: `{info.get("command", "?")}`',
             f'- Runs: {len(rows)} ('
             + ', '.join(f'{v} {k}' for k, v in sorted(counts.items()))
             + f'); seeds: {info.get("seeds")}; max_iters: '
             f'{info.get("max_iters")}']
    if info.get('fixed_overrides'):
        fixed = ' '.join(f'{k}={v}' for k, v in
                         info['fixed_overrides'].items())
        lines.append(f'- Fixed overrides: `{fixed}`')
    for env in _environments(rows):
        lines.append('- Machine: ' + ', '.join(
            f'{k} {v}' for k, v in env.items() if v is not None))
    out.append('\n'.join(lines) + '\n')
    out.append('COCO box AP (%) on the val split at the last validation, '
               'mean ± sample std over the seeds that finished; "seeds done" '
               'counts them. "train s": training wall time, validation '
               'excluded (MetricsRecorderHook); "run s": wall time of the '
               'whole training process, start-up and validation included, '
               'summed over its launches. Both are means over seeds.\n')
    tables = render_tables(summary, level + 1)
    out.append(tables if tables else 'No finished runs yet.\n')
    bad = [r for r in rows if r['status'] != 'done']
    if bad:
        out.append(f'{h}# Runs not finished\n')
        for r in bad:
            last = r['error'].splitlines()[-1] if r['error'] else ''
            out.append(f'- `{r["run_id"]}`: {r["status"]}'
                       + (f' (`{last}`)' if last else ''))
        out.append('')
    if figures:
        out.append(f'{h}# Plots\n')
        for fig in figures:
            rel = osp.relpath(fig, relative_to)
            out.append(f'![{osp.splitext(osp.basename(fig))[0]}]({rel})')
        out.append('')
    return '\n'.join(out)


def write_doc_section(doc: str, summary: Summary, rows, info,
                      figures: List[str]) -> List[str]:
    """(Re)write this sweep's section of ``doc``. Figures are copied to
    ``<doc dir>/ablations/<sweep name>/`` because work_dirs/ is not part of
    the repository. Returns the paths written."""
    name = info.get('name') or 'sweep'
    doc_dir = osp.dirname(osp.abspath(doc))
    fig_dir = osp.join(doc_dir, 'ablations', name)
    copied = []
    if figures:
        os.makedirs(fig_dir, exist_ok=True)
        for fig in figures:
            dst = osp.join(fig_dir, osp.basename(fig))
            shutil.copyfile(fig, dst)
            copied.append(dst)
    section = render_report(summary, rows, info, copied,
                            relative_to=doc_dir, level=2)
    text = DOC_HEADER
    if osp.isfile(doc):
        with open(doc) as f:
            text = f.read()
    os.makedirs(doc_dir, exist_ok=True)
    with open(doc, 'w') as f:
        f.write(replace_section(text, f'sweep:{name}', section))
    return [doc] + copied


def collect_sweep(sweep_dir: str, doc: Optional[str] = None,
                  plots: bool = True) -> Dict[str, Any]:
    """Write results.csv/.json, summary.md and plots/ for ``sweep_dir``;
    with ``doc``, also (re)write this sweep's section of that markdown file
    (docs/ablations.md). Returns the paths written and the status counts."""
    rows = collect_rows(sweep_dir)
    if not rows:
        raise FileNotFoundError(f'no run dirs (with {RUN_JSON}) under '
                                f'{sweep_dir}')
    written = write_results(sweep_dir, rows)
    info = sweep_info(rows)
    summary = summarize(rows, info)
    figures = []
    if plots:
        from .plots import make_plots
        figures = make_plots(summary, osp.join(sweep_dir, 'plots'))
        written += figures
    summary_path = osp.join(sweep_dir, 'summary.md')
    with open(summary_path, 'w') as f:
        f.write(render_report(summary, rows, info, figures,
                              relative_to=sweep_dir))
    written.append(summary_path)
    if doc:
        written += write_doc_section(doc, summary, rows, info, figures)
    counts: Dict[str, int] = {}
    for r in rows:
        counts[r['status']] = counts.get(r['status'], 0) + 1
    return dict(written=written, counts=counts, summary=summary)

