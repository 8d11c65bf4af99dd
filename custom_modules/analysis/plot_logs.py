"""Any logged scalar of one or more runs, against the iteration, overlaid.

mmengine's LocalVisBackend writes ``<work dir>/<timestamp>/vis_data/
scalars.json``: one JSON line per logging interval for training (keyed by
``iter``: losses, lr, grad_norm, time) and one per validation (keyed by
``step``: ``coco/bbox_mAP`` and the like). A resumed run writes a new
timestamp directory; for an iteration logged twice the later directory
wins, because it is the run that continued (as in
:mod:`custom_modules.analysis.loss_curves`).
"""
import glob
import json
import os.path as osp
from typing import Dict, List, Sequence, Tuple

from ..errors import UserError

Series = Dict[str, List[Tuple[int, float]]]


def read_scalars(work_dir: str) -> Series:
    """Every numeric key of a work dir's logs as (iteration, value) pairs
    in iteration order, resumed runs merged."""
    files = sorted(glob.glob(osp.join(work_dir, '*', 'vis_data',
                                      'scalars.json')))
    if not files:
        raise UserError(f'no scalars.json under {work_dir}/<timestamp>/'
                        'vis_data/: give the work dir of a tools/train.py '
                        'run.')
    by_key: Dict[str, Dict[int, float]] = {}
    for path in files:  # timestamp names sort in time order
        with open(path) as f:
            for line in f:
                if not line.strip():
                    continue
                rec = json.loads(line)
                step = rec.get('iter', rec.get('step'))
                if step is None:
                    continue
                for key, value in rec.items():
                    if key in ('iter', 'step', 'epoch') or isinstance(
                            value, bool) or not isinstance(value,
                                                           (int, float)):
                        continue
                    by_key.setdefault(key, {})[int(step)] = float(value)
    return {k: sorted(v.items()) for k, v in by_key.items()}


def select(runs: Dict[str, Series], keys: Sequence[str]) -> None:
    """Every key is logged by at least one run, or a one-line error lists
    the keys that are."""
    known = sorted({k for series in runs.values() for k in series})
    missing = [k for k in keys if not any(k in s for s in runs.values())]
    if missing:
        raise UserError(f'no run logged {", ".join(missing)}; logged keys: '
                        f'{", ".join(known)}.')


def plot(runs: Dict[str, Series], keys: Sequence[str], out: str) -> str:
    """One panel per key, one line per run; validation keys (few points)
    get markers."""
    select(runs, keys)
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(len(keys), 1, figsize=(7, 2.8 * len(keys)),
                             squeeze=False)
    for ax, key in zip(axes[:, 0], keys):
        for label, series in runs.items():
            points = series.get(key)
            if not points:
                continue
            xs, ys = zip(*points)
            ax.plot(xs, ys, label=label,
                    marker='o' if len(points) < 30 else None)
        ax.set_ylabel(key)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    axes[-1, 0].set_xlabel('iteration')
    fig.tight_layout()
    import os
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
