"""How a detector's loss terms fall during training, read from the logs that
tools/train.py leaves in every work dir.

**Why look at the terms, not the total.** A detector's loss is a sum of
terms that train different parts: SSD's classification and box regression,
RetinaNet's focal and box terms, Faster R-CNN's RPN and RoI-head terms,
RefineDet's ARM (objectness, coarse boxes) and ODM (classes, second-step
boxes). The total hides which part is learning: a falling total can be one
term dropping fast while another has not started. Two questions a student
asks of every detector are answered by the terms alone:

* *Which part learns first?* Each term's **half-life**: the first logged
  iteration at which the term is at or below half its first logged value.
  For RefineDet this is the cascade question: the ODM's targets sit on
  anchors that the ARM is still moving, so if the cascade starts late, the
  ODM's half-life trails the ARM's.
* *Which part is still learning when the schedule ends?* Each term's
  **late drop**: the share of its value at mid-schedule that the second half
  removed. A term still falling fast at the end is where a longer schedule
  would go.

Values are compared relative to their own first value, because the terms
have different scales (a sum of hard-mined cross entropies against a
smooth L1 over a few positives) and only their shapes are comparable.

**Where the numbers come from.** mmengine's LocalVisBackend writes
``<work dir>/<timestamp>/vis_data/scalars.json``, one JSON line per logging
interval (``default_hooks.logger.interval`` iterations, each value the
mean over that interval). A resumed run starts a new timestamp directory
and logs again from the checkpoint's iteration; the later directory wins
for an iteration logged twice, because it is the run that continued.
"""
import glob
import json
import os.path as osp
from typing import Dict, List, Optional, Sequence


def read_loss_log(work_dir: str) -> List[dict]:
    """Every training record of a work dir, one per logged iteration, in
    iteration order, resumed runs merged."""
    files = sorted(glob.glob(osp.join(work_dir, '*', 'vis_data',
                                      'scalars.json')))
    if not files:
        raise ValueError(
            f'no training log under {work_dir}: expected '
            f'{osp.join(work_dir, "<timestamp>", "vis_data", "scalars.json")}'
            ', which tools/train.py writes; give the work dir of a run')
    by_iter = {}
    for path in files:  # timestamps sort in time order: later runs win
        with open(path) as f:
            for line in f:
                rec = json.loads(line) if line.strip() else {}
                if 'loss' in rec and 'iter' in rec:
                    by_iter[rec['iter']] = rec
    return [by_iter[i] for i in sorted(by_iter)]


def loss_terms(records: List[dict]) -> List[str]:
    """The loss terms a run logged (``loss_*``), in the order they appear;
    the total ``loss`` is their sum and is left out."""
    keys = []
    for rec in records:
        keys += [k for k in rec if k.startswith('loss_') and k not in keys]
    return keys


def half_life(iters: Sequence[int], values: Sequence[float]
              ) -> Optional[int]:
    """First logged iteration whose value is at most half the first value;
    None if the term never got there."""
    for it, v in zip(iters, values):
        if v <= values[0] / 2:
            return it
    return None


def summarize_run(name: str, records: List[dict],
                  terms: Optional[Sequence[str]] = None) -> dict:
    """Per term: first, mid-schedule and last value, last/first, half-life
    and late drop (1 - last / mid, mid being the last record at or before
    half the last logged iteration)."""
    terms = list(terms) if terms else loss_terms(records)
    missing = [t for t in terms if not any(t in r for r in records)]
    if missing:
        raise ValueError(f'{name} logged no {", ".join(missing)}; it logged '
                         f'{", ".join(loss_terms(records)) or "no loss terms"}')
    rows = []
    for term in terms:
        pts = [(r['iter'], r[term]) for r in records if term in r]
        iters, values = [p[0] for p in pts], [p[1] for p in pts]
        mid = [v for it, v in pts if it <= iters[-1] / 2] or values[:1]
        rows.append(dict(term=term, first_iter=iters[0], first=values[0],
                         mid=mid[-1], last=values[-1], last_iter=iters[-1],
                         last_over_first=values[-1] / values[0],
                         half_life=half_life(iters, values),
                         late_drop=1 - values[-1] / mid[-1],
                         iters=iters, values=values))
    return dict(name=name, terms=rows)


def plot_runs(runs: List[dict], path: str) -> str:
    """One panel per run, each term divided by its first logged value, on a
    log scale: equal slopes are equal rates of learning."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, len(runs), figsize=(4.2 * len(runs), 3.6),
                             squeeze=False, sharey=True)
    for ax, run in zip(axes[0], runs):
        for t in run['terms']:
            ax.plot(t['iters'], [v / t['first'] for v in t['values']],
                    marker='o', markersize=2, label=t['term'])
        ax.axhline(0.5, color='grey', linestyle=':', linewidth=1)
        ax.set_yscale('log')
        ax.set_title(run['name'], fontsize=9)
        ax.set_xlabel('iteration')
        ax.grid(True, which='both', alpha=0.3)
        ax.legend(fontsize=7)
    axes[0][0].set_ylabel('loss / first logged value (log)')
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def render_markdown(runs: List[dict], env: Dict[str, str], cmd: str,
                    image: Optional[str] = None) -> str:
    from custom_modules.reporting import machine_table, markdown_table
    lines = ['# Loss terms during training', '',
             f'Produced by `{cmd}` from the runs\' own training logs '
             '(custom_modules/analysis/loss_curves.py says what the columns '
             'mean). Each value is the mean over one logging interval. '
             '"half-life": first logged iteration at or below half the first '
             'logged value; "late drop": the share of the mid-schedule value '
             'that the second half of training removed.', '',
             *machine_table(env), '',
             *markdown_table(
                 ['run', 'term', 'first (iter)', 'mid', 'last (iter)',
                  'last / first', 'half-life', 'late drop'],
                 [[run['name'], t['term'],
                   f"{t['first']:.3f} ({t['first_iter']})", f"{t['mid']:.3f}",
                   f"{t['last']:.3f} ({t['last_iter']})",
                   f"{t['last_over_first']:.2f}",
                   '–' if t['half_life'] is None else t['half_life'],
                   f"{100 * t['late_drop']:.0f}%"]
                  for run in runs for t in run['terms']])]
    if image:
        lines += ['', f'![loss terms relative to their first value]({image})']
    return '\n'.join(lines) + '\n'
