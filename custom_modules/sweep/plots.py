"""Plots of a sweep: AP over the grid (heatmap) and AP along each axis.

* ``heatmap_<a>_<b>.png``: mean AP of every cell of the first two swept axes
  with more than one value, the number printed in each cell. For the
  focal-gamma preset this is Table 1b at a glance: the ridge of best alpha
  moving down as gamma grows.
* ``ap_vs_<axis>.png``: AP against one axis, one line per value of the other
  axis when there are two (alpha per gamma), with error bars of one sample
  std over seeds. Axis values are placed at equal spacing and labelled, as
  in a table: the paper's gammas (0, 0.1, 0.2, 0.5, 1, 2, 5) are neither
  linear nor logarithmic.

matplotlib runs headless (Agg), so this works on a cluster node or in CI.
"""
import os
import os.path as osp
from typing import List

from .summary import PRIMARY, Summary, freeze


def _pyplot():
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    return plt


def _varying_axes(summary: Summary) -> List[str]:
    return [a for a in summary.axes if len(summary.axis_values(a)) > 1]


def _cell(summary: Summary, values: dict):
    want = {k: freeze(v) for k, v in values.items()}
    for g in summary.groups:
        if all(freeze(g.values.get(k)) == v for k, v in want.items()):
            return g
    return None


def plot_heatmap(summary: Summary, out_dir: str, metric: str = PRIMARY):
    axes = _varying_axes(summary)
    if len(axes) < 2:
        return None
    a, b = axes[:2]
    rows, cols = summary.axis_values(a), summary.axis_values(b)
    import numpy as np
    grid = np.full((len(rows), len(cols)), np.nan)
    for i, va in enumerate(rows):
        for j, vb in enumerate(cols):
            # With a third varying axis, a cell shows its best value.
            cands = [g for g in summary.groups
                     if freeze(g.values.get(a)) == freeze(va) and
                     freeze(g.values.get(b)) == freeze(vb) and
                     metric in g.mean]
            if cands:
                grid[i, j] = 100 * max(g.mean[metric] for g in cands)
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(1.2 + 0.9 * len(cols),
                                    1.0 + 0.55 * len(rows)))
    im = ax.imshow(grid, cmap='viridis', aspect='auto')
    na, nb = summary.names.get(a, a), summary.names.get(b, b)
    ax.set_xticks(range(len(cols)), [str(v) for v in cols])
    ax.set_yticks(range(len(rows)), [str(v) for v in rows])
    ax.set_xlabel(nb)
    ax.set_ylabel(na)
    finite = grid[np.isfinite(grid)]
    mid = (finite.min() + finite.max()) / 2 if finite.size else 0
    for i in range(len(rows)):
        for j in range(len(cols)):
            if np.isfinite(grid[i, j]):
                ax.text(j, i, f'{grid[i, j]:.1f}', ha='center', va='center',
                        color='black' if grid[i, j] > mid else 'white',
                        fontsize=8)
    fig.colorbar(im, ax=ax, label='AP (%)')
    ax.set_title(f'AP over {na} x {nb}')
    fig.tight_layout()
    path = osp.join(out_dir, f'heatmap_{na}_{nb}.png')
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_lines(summary: Summary, axis: str, out_dir: str,
               metric: str = PRIMARY):
    xs = summary.axis_values(axis)
    others = [a for a in _varying_axes(summary) if a != axis]
    series = summary.axis_values(others[0]) if len(others) == 1 else [None]
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5, 3.5))
    drawn = False
    for sv in series:
        pts = []
        for i, xv in enumerate(xs):
            want = {axis: xv}
            if sv is not None:
                want[others[0]] = sv
            cands = [g for g in summary.groups
                     if all(freeze(g.values.get(k)) == freeze(v)
                            for k, v in want.items()) and metric in g.mean]
            if cands:
                # More than two varying axes: the best over the rest.
                g = max(cands, key=lambda c: c.mean[metric])
                pts.append((i, 100 * g.mean[metric],
                            100 * (g.std.get(metric) or 0.0)))
        if not pts:
            continue
        drawn = True
        label = (None if sv is None else
                 f'{summary.names.get(others[0], others[0])}={sv}')
        ax.errorbar([p[0] for p in pts], [p[1] for p in pts],
                    yerr=[p[2] for p in pts], marker='o', capsize=3,
                    label=label)
    for ref in summary.references:
        if metric in ref.mean:
            ax.axhline(100 * ref.mean[metric], ls='--', color='gray', lw=1)
            ax.text(len(xs) - 1, 100 * ref.mean[metric], f' {ref.label}',
                    va='bottom', ha='right', color='gray', fontsize=8)
    if not drawn:
        plt.close(fig)
        return None
    name = summary.names.get(axis, axis)
    ax.set_xticks(range(len(xs)), [str(v) for v in xs])
    ax.set_xlabel(name)
    ax.set_ylabel('AP (%)')
    ax.grid(alpha=0.3)
    if series != [None]:
        ax.legend(fontsize=8)
    ax.set_title(f'AP vs {name} (mean ± std over seeds)')
    fig.tight_layout()
    path = osp.join(out_dir, f'ap_vs_{name}.png')
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def make_plots(summary: Summary, out_dir: str) -> List[str]:
    """Every plot that the sweep's shape allows; returns their paths."""
    if not summary.groups:
        return []
    os.makedirs(out_dir, exist_ok=True)
    paths = [plot_heatmap(summary, out_dir)]
    for axis in _varying_axes(summary):
        paths.append(plot_lines(summary, axis, out_dir))
    return [p for p in paths if p]
