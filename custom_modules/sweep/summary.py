"""Aggregating a sweep's runs: mean +- std over seeds, and the paper's
"best alpha per gamma" view.

Runs that share every swept value but the seed form a *group* (a cell of the
grid). For each group and metric we report the mean and the sample standard
deviation (ddof = 1, the unbiased estimate from n seeds; undefined for one
seed, where only the mean is shown) over the runs that finished. Failed or
unfinished runs are counted and named, never averaged in.

With ``best_over`` (preset focal-gamma: alpha), the groups are further
grouped by the remaining axes (gamma) and the one with the highest mean AP
is kept, which is how Table 1b of the RetinaNet paper reads: each gamma with
its best alpha. Labelled points (the CE baseline) are reference rows, kept
out of that selection.
"""
import math
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from .collect import metric_keys

PRIMARY = 'coco/bbox_mAP'


@dataclass
class Group:
    values: Dict[str, Any]           # swept key -> value
    label: Optional[str]
    runs: List[Dict[str, Any]] = field(default_factory=list)
    mean: Dict[str, float] = field(default_factory=dict)
    std: Dict[str, Optional[float]] = field(default_factory=dict)
    n_done: int = 0

    @property
    def n_runs(self) -> int:
        return len(self.runs)

    @property
    def not_done(self) -> List[str]:
        return [r['run_id'] for r in self.runs if r['status'] != 'done']


@dataclass
class Summary:
    axes: List[str]
    names: Dict[str, str]
    metrics: List[str]
    groups: List[Group]              # grid cells, in sweep order
    references: List[Group]          # labelled points (baselines)
    best: List[Tuple[Dict[str, Any], Group]] = field(default_factory=list)
    best_over: Optional[str] = None
    preset: Optional[str] = None

    def axis_values(self, key: str) -> List[Any]:
        """The values an axis takes, in sweep order, without repeats."""
        out: List[Any] = []
        for g in self.groups:
            v = g.values.get(key)
            if v not in out:
                out.append(v)
        return out


def mean_std(values: List[float]) -> Tuple[Optional[float], Optional[float]]:
    vals = [v for v in values if v is not None and not math.isnan(v)]
    if not vals:
        return None, None
    mean = sum(vals) / len(vals)
    if len(vals) < 2:
        return mean, None
    var = sum((v - mean) ** 2 for v in vals) / (len(vals) - 1)
    return mean, math.sqrt(var)


def freeze(value: Any) -> Any:
    """A hashable stand-in for a config value (lists, dicts)."""
    return repr(value)


def group_runs(rows: List[Dict[str, Any]], axes: List[str]
               ) -> Tuple[List[Group], List[Group]]:
    groups: Dict[Any, Group] = {}
    for r in rows:
        if r.get('label'):
            key = ('label', r['label'])
            values = {k: v for k, v in r['overrides'].items()
                      if k != 'randomness.seed'}
        else:
            values = {k: r['overrides'].get(k) for k in axes}
            key = tuple(freeze(values[k]) for k in axes)
        if key not in groups:
            groups[key] = Group(values=values, label=r.get('label'))
        groups[key].runs.append(r)
    grid = [g for g in groups.values() if g.label is None]
    refs = [g for g in groups.values() if g.label is not None]
    return grid, refs


def _aggregate(group: Group, metrics: List[str]) -> None:
    done = [r for r in group.runs if r['status'] == 'done']
    group.n_done = len(done)
    for m in metrics + ['train_seconds', 'wall_seconds']:
        vals = [(r['metrics'].get(m) if m in metrics else r.get(m))
                for r in done]
        mean, std = mean_std([v for v in vals if v is not None])
        if mean is not None:
            group.mean[m], group.std[m] = mean, std


def best_per(groups: List[Group], axes: List[str], best_over: str,
             metric: str = PRIMARY) -> List[Tuple[Dict[str, Any], Group]]:
    """For each combination of the axes other than ``best_over``, the group
    with the highest mean ``metric`` (first in sweep order on ties; groups
    with no finished run are not candidates)."""
    others = [a for a in axes if a != best_over]
    out: Dict[Any, Tuple[Dict[str, Any], Optional[Group]]] = {}
    for g in groups:
        key = tuple(freeze(g.values.get(a)) for a in others)
        if key not in out:
            out[key] = ({a: g.values.get(a) for a in others}, None)
        fixed, best = out[key]
        if metric not in g.mean:
            continue
        if best is None or g.mean[metric] > best.mean[metric]:
            out[key] = (fixed, g)
    return [(fixed, g) for fixed, g in out.values() if g is not None]


def summarize(rows: List[Dict[str, Any]], info: Dict[str, Any]) -> Summary:
    axes = list(info.get('axes') or [])
    names = dict(info.get('short_names') or {})
    metrics = metric_keys(rows)
    grid, refs = group_runs(rows, axes)
    for g in grid + refs:
        _aggregate(g, metrics)
    summary = Summary(axes=axes, names=names, metrics=metrics, groups=grid,
                      references=refs, best_over=info.get('best_over'),
                      preset=info.get('preset'))
    if summary.best_over and summary.best_over in axes:
        summary.best = best_per(grid, axes, summary.best_over)
    return summary
