"""Time to accuracy: how many training minutes a run needed to reach an AP.

A recipe's promise ("50 AP in 20 minutes") holds only for the arithmetic it
was measured on. The same RetinaNet step costs about 3x more in fp32 on an
AVX2-only CPU (AMD Zen 3, most laptops) than in bf16 on an AVX512-BF16 one,
so a curve without its compute path is not a claim anyone can check. Each
run here is read from its work dir:

* ``val_metrics.jsonl`` (MetricsRecorderHook): AP at every validation, with
  the *training* seconds spent so far (validation time excluded, a resumed
  run continuing the clock of the run it resumes);
* ``compute_path.json`` (the same hook, written before the first iteration):
  precision, ATen's and oneDNN's instruction set, threads, native bf16.

The page reports, per run, the first validation at or above the target AP
and its training minutes: a validation is a lower bound on when the target
was crossed, never an interpolation that would flatter the recipe.

The runs a page shows are kept beside it, in ``<page>.json``, each with the
machine it was read on. Work dirs do not outlive the machine that trained
them, and the question the page answers ("does this recipe hold on *that*
CPU?") is answered one machine at a time: a run measured on an AVX2-only
laptop joins the curves measured on a bf16 server instead of replacing them.
"""
import json
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence

from custom_modules.engine.metrics_recorder_hook import read_val_records

METRIC = 'coco/bbox_mAP'


def read_run(work_dir: str, label: Optional[str] = None) -> dict:
    """One run's AP curve and compute path. ``ValueError`` (one line) when
    the work dir has no validation record."""
    if not osp.isfile(osp.join(work_dir, 'val_metrics.jsonl')):
        raise ValueError(f'{work_dir} has no val_metrics.jsonl: train it with '
                         'a config that has MetricsRecorderHook (every DetLab '
                         'config does) and at least one validation')
    curve = [r for r in read_val_records(work_dir) if METRIC in r]
    if not curve:
        raise ValueError(f'{work_dir}/val_metrics.jsonl holds no {METRIC}')
    path_file = osp.join(work_dir, 'compute_path.json')
    path = None
    if osp.isfile(path_file):
        with open(path_file) as f:
            path = json.load(f)
    return dict(label=label or osp.basename(osp.normpath(work_dir)),
                work_dir=work_dir, curve=curve, path=path)


def read_record(record: str, name: str, label: Optional[str] = None) -> dict:
    """A config's curve from the committed record (docs/benchmark_results.json),
    for runs whose work dir is on another machine. The record keeps no
    compute path, so the label must say it."""
    with open(record) as f:
        data = json.load(f)
    rows = data.get('rows', {})
    if name not in rows or not rows[name].get('curve'):
        raise ValueError(f'{record} has no curve for {name!r}; it has: '
                         + ', '.join(sorted(rows)))
    curve = [dict(r) for r in rows[name]['curve'] if METRIC in r]
    return dict(label=label or f'{name} (record)', work_dir=record,
                curve=curve, path=None,
                machine=dict(data.get('environment') or {}))


def store_path(page: str) -> str:
    """Where a page keeps its runs: ``docs/x.md`` -> ``docs/x.json``."""
    return osp.splitext(page)[0] + '.json'


def load_runs(store: str) -> List[dict]:
    """The runs a page showed last time; [] for a page not written yet.
    ``ValueError`` (one line) for a store that is not this tool's."""
    if not osp.isfile(store):
        return []
    try:
        with open(store) as f:
            runs = json.load(f)['runs']
        assert all('label' in r and r.get('curve') for r in runs)
    except (ValueError, KeyError, TypeError, AssertionError):
        raise ValueError(f'{store} is not a time-to-accuracy run store; move '
                         'it away or pass --fresh to start the page over')
    return runs


def save_runs(store: str, runs: List[dict]) -> None:
    os.makedirs(osp.dirname(store) or '.', exist_ok=True)
    with open(store, 'w') as f:
        json.dump({'runs': runs}, f, indent=1)
        f.write('\n')


def _refuse_unknown(what: str, labels, runs: List[dict]) -> None:
    missing = sorted(set(labels) - {r['label'] for r in runs})
    if missing:
        raise ValueError(f"no run labelled {', '.join(map(repr, missing))} "
                         f'to {what}; the page has: '
                         + ', '.join(repr(r['label']) for r in runs))


def merge_runs(kept: List[dict], new: List[dict],
               drop: Sequence[str] = (),
               rename: Optional[Dict[str, str]] = None) -> List[dict]:
    """``kept`` in its order with each run of ``new`` replacing the kept run
    of the same label (a run re-read after more training) or appended, and
    the labels in ``drop`` removed. ``rename`` (old label -> new) relabels
    kept runs first: when a config's recipe changes, its earlier runs stay
    on the page under a name that says which recipe they measured, while
    the new runs take the config's name. ``ValueError`` names a label to
    drop or rename that the page does not have, so a typo never passes for
    a removal."""
    rename = rename or {}
    _refuse_unknown('rename', rename, kept + new)
    kept = [dict(r, label=rename.get(r['label'], r['label'])) for r in kept]
    _refuse_unknown('drop', drop, kept + new)
    by_label = {r['label']: r for r in new}
    runs = [by_label.pop(r['label'], r) for r in kept]
    runs += list(by_label.values())
    return [r for r in runs if r['label'] not in set(drop)]


def first_reaching(curve: List[dict], target: float) -> Optional[dict]:
    """The first validation whose AP is >= ``target`` (a fraction)."""
    return next((r for r in curve if r[METRIC] >= target), None)


def describe_path(path: Optional[dict]) -> str:
    """``fp32, AVX2 (oneDNN AVX2), 2 threads, NHWC`` from compute_path.json."""
    if not path:
        return 'not recorded'
    isa = path.get('aten_isa', '?')
    onednn = path.get('onednn_max_isa', 'default')
    parts = [path.get('precision', '?'),
             f"ATen {isa}, oneDNN {onednn if onednn != 'default' else 'max'}",
             f"{path.get('threads', '?')} thread"
             f"{'' if path.get('threads') == 1 else 's'}"]
    if path.get('channels_last'):
        parts.append('NHWC')
    if not path.get('native_bf16'):
        parts.append('no native bf16')
    elif path.get('precision') == 'fp32':
        # The fp32 path measured on a bf16 CPU (bf16 switched off, usually
        # with the ISA capped to AVX2): say so, it is not the CPU's default.
        parts.append('bf16 off on a bf16 CPU')
    else:
        parts.append('native bf16')
    return ', '.join(parts)


def summarize(run: dict, target: float) -> dict:
    hit = first_reaching(run['curve'], target)
    last = run['curve'][-1]
    return dict(label=run['label'], path=describe_path(run['path']),
                hit_iter=hit and hit['iter'],
                hit_minutes=hit and hit['train_seconds'] / 60,
                final_iter=last['iter'], final_ap=last[METRIC],
                final_minutes=last['train_seconds'] / 60,
                s_per_iter=last['train_seconds'] / max(last['iter'], 1))


def summary_table(runs: List[dict], target: float) -> List[str]:
    """One row per run: its compute path, when it first validated at the
    target, and where it ended. The page and the README's section both
    show this table."""
    from custom_modules.reporting import markdown_table
    table = []
    for run in runs:
        s = summarize(run, target)
        hit = ('not reached' if s['hit_iter'] is None else
               f"iter {s['hit_iter']}, {s['hit_minutes']:.1f} min")
        table.append([s['label'], s['path'], hit,
                      f"{100 * s['final_ap']:.1f}", s['final_iter'],
                      f"{s['final_minutes']:.1f}", f"{s['s_per_iter']:.2f}"])
    return markdown_table(
        ['run', 'compute path',
         f'first validation >= {100 * target:.0f} AP (iter, train min)',
         'final AP', 'final iter', 'train min', 's/iter'], table)


def write_readme_section(readme: str, runs: List[dict], target: float,
                         page: str) -> None:
    """Rewrite the ``<!-- time_to_accuracy:begin/end -->`` section of
    ``readme`` with :func:`summary_table` and a link to ``page``, so the
    README's figures are the tool's, never typed."""
    from custom_modules.reporting import replace_section
    with open(readme) as f:
        text = f.read()
    link = osp.relpath(page, osp.dirname(readme) or '.')
    body = '\n'.join(summary_table(runs, target) + [
        '', 'Written by `tools/analysis/time_to_accuracy.py` with '
        f'[{page}]({link}), which has the machine, the curves and the '
        'command.'])
    with open(readme, 'w') as f:
        f.write(replace_section(text, 'time_to_accuracy', body))


def machine_rows(runs: List[dict]) -> List[str]:
    """One row per run: the machine and versions it was read on. Two CPUs
    that report the same model name (an AVX2-only and an AVX512-BF16 EPYC)
    are told apart by the compute path in the summary table."""
    from custom_modules.reporting import markdown_table
    keys: List[str] = []
    for run in runs:
        keys += [k for k in run.get('machine') or {} if k not in keys]
    return markdown_table(['run', *keys], [
        [run['label'], *[(run.get('machine') or {}).get(k, 'not recorded')
                         for k in keys]] for run in runs])


def render_markdown(runs: List[dict], target: float, command: str,
                    plot: Optional[str] = None,
                    store: Optional[str] = None) -> str:
    kept = (f' The page keeps its runs in `{store}`; this command added or '
            're-read the runs it names, and each run below says the command '
            'that added it.' if store else '')
    lines = ['# Time to accuracy', '',
             f'Produced by `{command}`.{kept} Training minutes exclude '
             'validation; the AP is COCO box AP on the embedded val split. '
             f'"First validation >= {100 * target:.0f} AP" is the first '
             'evaluated iteration at or above the target, so the true '
             'crossing is no later than that.', '']
    lines += machine_rows(runs) + ['']
    lines += summary_table(runs, target)
    lines += ['', 'AP (%) at each validation, with training minutes:', '']
    for run in runs:
        pts = ', '.join(f"{r['iter']}: {100 * r[METRIC]:.1f} "
                        f"({r['train_seconds'] / 60:.1f} min)"
                        for r in run['curve'])
        origin = f" (`{run['command']}`)" if run.get('command') else ''
        lines.append(f"- **{run['label']}**{origin}: {pts}")
    if plot:
        lines += ['', f'![AP against training minutes]({plot})']
    return '\n'.join(lines) + '\n'


def plot_runs(runs: List[dict], path: str, target: float,
              budget_minutes: float = 20.0) -> str:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7.5, 5.2))
    for run in runs:
        minutes = [r['train_seconds'] / 60 for r in run['curve']]
        ap = [100 * r[METRIC] for r in run['curve']]
        how = f" ({describe_path(run['path'])})" if run['path'] else ''
        ax.plot(minutes, ap, marker='o', markersize=3,
                label=run['label'] + how)
    ax.axhline(100 * target, color='grey', linestyle='--', linewidth=1)
    ax.axvline(budget_minutes, color='grey', linestyle=':', linewidth=1)
    ax.set_xlabel('training minutes (validation excluded)')
    ax.set_ylabel('COCO box AP on val (%)')
    ax.set_title('AP against training minutes, from a random init')
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=6, loc='upper center', bbox_to_anchor=(0.5, -0.14))
    fig.tight_layout()
    os.makedirs(osp.dirname(path) or '.', exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
