"""From a sweep description to the list of runs it stands for.

A sweep is a small set of *axes*, each a config key with the values it takes,
for example::

    model.bbox_head.loss_cls.gamma = [0, 0.5, 1, 2, 5]
    model.bbox_head.loss_cls.alpha = [0.25, 0.5, 0.75]

and a rule that combines them into *points*:

* ``product`` (the default): the full cartesian grid, 5 x 3 = 15 points, the
  first axis varying slowest, as in nested for-loops;
* ``zip``: the i-th value of every axis together, for paired lists such as
  (lr, batch size); all axes must then have the same length.

Each point is repeated once per seed (``randomness.seed``), giving the *runs*.
A run is nothing more than its overrides (an ordered ``{config key: value}``
dict) and a run id that names it on disk, e.g. ``gamma=2_alpha=0.25_seed=0``.
The id is a pure function of the overrides, so rerunning the same command
finds the same directories: that is what makes a sweep resumable.

Values are Python literals, parsed the way the config files themselves are
written: ``0.25``, ``2``, ``True``, ``None``, ``'FocalLoss'``, ``[1, 2]``. A
token that is not a literal is kept as a string, so ``type=FocalLoss`` works
without quotes.
"""
import ast
import itertools
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

SEED_KEY = 'randomness.seed'


@dataclass
class Axis:
    """One swept config key and the values it takes, in the user's order."""
    key: str
    values: List[Any]


@dataclass
class Run:
    """One training run: its overrides and the stable id naming its dir."""
    run_id: str
    overrides: Dict[str, Any]
    seed: Optional[int] = None
    # A name for a point outside the grid, e.g. 'CE' for a baseline.
    label: Optional[str] = None

    @property
    def point(self) -> Dict[str, Any]:
        """The overrides without the seed: what seeds of a run share."""
        return {k: v for k, v in self.overrides.items() if k != SEED_KEY}


@dataclass
class SweepSpec:
    """Everything that defines the runs of a sweep.

    ``points`` is used as given when set (presets list their points
    explicitly, e.g. to add a baseline outside the grid); otherwise points
    are built from ``axes`` with ``mode``.
    """
    axes: List[Axis] = field(default_factory=list)
    mode: str = 'product'
    seeds: List[Optional[int]] = field(default_factory=lambda: [None])
    points: Optional[List[Dict[str, Any]]] = None
    # One optional label per point (same order as ``points``); a labelled
    # point is a reference row (a baseline), named by its label on disk.
    labels: Optional[List[Optional[str]]] = None
    # Display names for run ids and tables, e.g. {'...loss_cls.gamma': 'gamma'}
    short_names: Dict[str, str] = field(default_factory=dict)
    # For tables like the paper's "best alpha per gamma": the axis to
    # maximise AP over, within each value of the remaining axes.
    best_over: Optional[str] = None
    preset: Optional[str] = None

    def axis_keys(self) -> List[str]:
        if self.axes:
            return [a.key for a in self.axes]
        keys: List[str] = []
        for p in self.points or []:
            keys += [k for k in p if k not in keys]
        return keys


# --------------------------------------------------------------------------
# Parsing values and axes
# --------------------------------------------------------------------------
def split_top_level(text: str, sep: str = ',') -> List[str]:
    """Split ``text`` at ``sep`` characters that are outside brackets and
    quotes, so ``[1,2],[3,4]`` gives two tokens and ``'a,b'`` one."""
    parts, depth, quote, start = [], 0, None, 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote and text[i - 1] != '\\':
                quote = None
        elif ch in '\'"':
            quote = ch
        elif ch in '([{':
            depth += 1
        elif ch in ')]}':
            depth -= 1
            if depth < 0:
                raise ValueError(f'unbalanced brackets in {text!r}')
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    if depth != 0 or quote:
        raise ValueError(f'unbalanced brackets or quotes in {text!r}')
    parts.append(text[start:])
    return [p.strip() for p in parts]


def parse_value(token: str) -> Any:
    """A Python literal, or the bare token as a string when it is not one
    (``FocalLoss`` -> ``'FocalLoss'``)."""
    token = token.strip()
    try:
        return ast.literal_eval(token)
    except (ValueError, SyntaxError):
        if token == '' or token[0] in '([{\'"':
            # Looks like a literal but is broken: a silent string would hide
            # the typo until the run fails minutes later.
            raise ValueError(f'cannot parse value {token!r} as a Python '
                             'literal') from None
        return token


def parse_axis(text: str) -> Axis:
    """``'key=v1,v2,v3'`` -> ``Axis('key', [v1, v2, v3])``."""
    if '=' not in text:
        raise ValueError(f'expected KEY=V1,V2,... but got {text!r}')
    key, rhs = text.split('=', 1)
    key = key.strip()
    if not re.fullmatch(r'[A-Za-z_][\w]*(\.(\w+))*', key):
        raise ValueError(f'not a config key: {key!r}')
    values = [parse_value(t) for t in split_top_level(rhs)]
    if not values or values == ['']:
        raise ValueError(f'no values given for {key}')
    return Axis(key, values)


def parse_seeds(text: Optional[str]) -> List[Optional[int]]:
    """``'0,1'`` -> ``[0, 1]``; ``'0-4'`` -> ``[0..4]``; None -> ``[None]``
    (one run per point, with the config's own seed)."""
    if text is None or str(text).strip() == '':
        return [None]
    if isinstance(text, (list, tuple)):
        return [int(s) for s in text]
    text = str(text).strip()
    m = re.fullmatch(r'(\d+)-(\d+)', text)
    if m:
        lo, hi = int(m.group(1)), int(m.group(2))
        return list(range(lo, hi + 1))
    return [int(s) for s in split_top_level(text)]


# --------------------------------------------------------------------------
# Expansion
# --------------------------------------------------------------------------
def expand_points(axes: Sequence[Axis], mode: str = 'product'
                  ) -> List[Dict[str, Any]]:
    """The grid's points as ordered override dicts."""
    if not axes:
        return [{}]
    keys = [a.key for a in axes]
    if len(set(keys)) != len(keys):
        raise ValueError(f'an axis is given twice: {keys}')
    if mode == 'product':
        combos = itertools.product(*[a.values for a in axes])
    elif mode == 'zip':
        lengths = {a.key: len(a.values) for a in axes}
        if len(set(lengths.values())) != 1:
            raise ValueError(
                f'--zip needs axes of equal length, got {lengths}')
        combos = zip(*[a.values for a in axes])
    else:
        raise ValueError(f'unknown mode {mode!r}: use product or zip')
    return [dict(zip(keys, c)) for c in combos]


def short_key_names(keys: Sequence[str]) -> Dict[str, str]:
    """Shortest dotted suffix of each key that is unique among ``keys``:
    ``model.bbox_head.loss_cls.gamma`` -> ``gamma``, but two ``lr`` keys keep
    one more component each."""
    names = {}
    for key in keys:
        parts = key.split('.')
        for n in range(1, len(parts) + 1):
            cand = '.'.join(parts[-n:])
            clash = [k for k in keys if k != key and
                     '.'.join(k.split('.')[-n:]) == cand]
            if not clash:
                names[key] = cand
                break
        else:
            names[key] = key
    return names


def format_value(value: Any) -> str:
    """A value as it appears in a run id and in tables: short, readable and
    safe as a directory name."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        text = repr(value)            # 2.0 stays '2.0': not the int 2
    elif isinstance(value, (list, tuple)):
        text = '-'.join(format_value(v) for v in value)
    elif isinstance(value, dict):
        text = '-'.join(f'{k}-{format_value(v)}' for k, v in value.items())
    else:
        text = str(value)
    # Keep letters, digits and . - + ; everything else (spaces, slashes,
    # brackets, quotes) would make awkward or unsafe directory names.
    return re.sub(r'[^\w.\-+]', '', text) or 'empty'


def make_run_id(overrides: Dict[str, Any], names: Dict[str, str],
                seed: Optional[int], label: Optional[str] = None) -> str:
    if label:
        parts = [format_value(label)]
    else:
        parts = [f'{names.get(k, k)}={format_value(v)}'
                 for k, v in overrides.items() if k != SEED_KEY]
    if seed is not None:
        parts.append(f'seed={seed}')
    return '_'.join(parts) or 'default'


def expand_runs(spec: SweepSpec) -> List[Run]:
    """All runs of a sweep: every point times every seed. Seeds are the
    outer loop, so the whole grid finishes once (seed 0) before the second
    seed starts: a sweep stopped half-way already gives a complete table."""
    points = (spec.points if spec.points is not None
              else expand_points(spec.axes, spec.mode))
    labels = spec.labels or [None] * len(points)
    if len(labels) != len(points):
        raise ValueError('labels and points differ in length')
    names = run_id_names(spec)
    runs, seen = [], {}
    for seed in spec.seeds:
        for point, label in zip(points, labels):
            overrides = dict(point)
            if seed is not None:
                overrides[SEED_KEY] = seed
            run_id = make_run_id(overrides, names, seed, label)
            if run_id in seen:
                raise ValueError(
                    f'two runs would share the directory {run_id!r}: '
                    f'{seen[run_id]} and {overrides}. Give distinct values.')
            seen[run_id] = overrides
            runs.append(Run(run_id, overrides, seed, label))
    return runs


def run_id_names(spec: SweepSpec) -> Dict[str, str]:
    """Short display name of every swept key (user's names win)."""
    return {**short_key_names(spec.axis_keys()), **spec.short_names}
