"""What a sweep runs: axes of config keys, seeds, and the runs they expand to.

A sweep is a few *axes*, each a config key with the values it takes::

    model.bbox_head.loss_cls.gamma = [0, 0.5, 1, 2, 5]
    model.bbox_head.loss_cls.alpha = [0.25, 0.5, 0.75]

combined into *points*, either as the full cartesian grid (``product``, the
first axis varying slowest, as nested for-loops) or pairwise (``zip``, for
lists that go together such as lr and batch size). *References* are labelled
points outside the grid, such as the plain cross-entropy baseline of the
focal-loss tables. Every point runs once per seed, giving the *runs*.

A run is its overrides and a run id that names its directory, e.g.
``gamma=2_alpha=0.25_seed=0``. The id is a pure function of the overrides,
so the same command finds the same directories again: that is what makes a
sweep resumable.

A sweep is written either as flags (``--grid KEY=V1,V2 --seeds 0,1``) or as
a spec file (YAML, JSON or Python) with the same content; flags win over the
file. The presets (``--preset focal-gamma``) are spec files in
``configs/sweeps/``: read one to see a complete example.

Values are Python literals, parsed as config files are written: ``0.25``,
``2``, ``True``, ``None``, ``'FocalLoss'``, ``[1, 2]``. A bare word that is
not a literal is a string, so ``type=FocalLoss`` needs no quotes.
"""
import ast
import itertools
import os
import os.path as osp
import re
import runpy
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

SEED_KEY = 'randomness.seed'
PRESET_DIR = osp.join(osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))), 'configs', 'sweeps')
SPEC_KEYS = ('config', 'name', 'title', 'grid', 'zip', 'references',
             'seeds', 'max_iters', 'val_interval', 'cfg_options', 'workers',
             'best_over', 'short_names', 'paper')


@dataclass
class Axis:
    key: str
    values: List[Any]


@dataclass
class Run:
    run_id: str
    overrides: Dict[str, Any]
    seed: Optional[int] = None
    label: Optional[str] = None     # a reference point, e.g. 'CE'

    @property
    def point(self) -> Dict[str, Any]:
        """The overrides without the seed: what the seeds of a cell share."""
        return {k: v for k, v in self.overrides.items() if k != SEED_KEY}


@dataclass
class SweepSpec:
    axes: List[Axis] = field(default_factory=list)
    zip: bool = False
    seeds: List[Optional[int]] = field(default_factory=lambda: [None])
    references: Dict[str, Dict[str, Any]] = field(default_factory=dict)
    short_names: Dict[str, str] = field(default_factory=dict)
    # For tables like the paper's "best alpha per gamma": the axis to
    # maximise AP over, within each value of the other axes.
    best_over: Optional[str] = None
    preset: Optional[str] = None
    title: Optional[str] = None

    def names(self) -> Dict[str, str]:
        """Display name of every key a run sets (the user's names win)."""
        keys = [a.key for a in self.axes]
        for ref in self.references.values():
            keys += [k for k in ref if k not in keys]
        return {**short_key_names(keys), **self.short_names}


# --------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------
def split_top_level(text: str, sep: str = ',') -> List[str]:
    """Split at ``sep`` outside brackets and quotes: ``[1,2],[3,4]`` is two
    tokens, ``'a,b'`` one."""
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
    token = token.strip()
    try:
        return ast.literal_eval(token)
    except (ValueError, SyntaxError):
        if token == '' or token[0] in '([{\'"':
            # A broken literal: a silent string would hide the typo until
            # the run fails minutes later.
            raise ValueError(f'cannot parse value {token!r} as a Python '
                             'literal') from None
        return token


def parse_axis(text: str) -> Axis:
    """``'key=v1,v2'`` -> ``Axis('key', [v1, v2])``."""
    if '=' not in text:
        raise ValueError(f'expected KEY=V1,V2,... but got {text!r}')
    key, rhs = (s.strip() for s in text.split('=', 1))
    if not re.fullmatch(r'[A-Za-z_]\w*(\.\w+)*', key):
        raise ValueError(f'not a config key: {key!r}')
    values = [parse_value(t) for t in split_top_level(rhs)]
    if values == ['']:
        raise ValueError(f'no values given for {key}')
    return Axis(key, values)


def parse_seeds(text) -> List[Optional[int]]:
    """``'0,1'`` -> [0, 1]; ``'0-4'`` -> [0..4]; None -> [None] (one run per
    point, with the config's own seed)."""
    if text is None or str(text).strip() == '':
        return [None]
    if isinstance(text, (list, tuple)):
        return [int(s) for s in text]
    m = re.fullmatch(r'(\d+)-(\d+)', str(text).strip())
    if m:
        return list(range(int(m.group(1)), int(m.group(2)) + 1))
    return [int(s) for s in split_top_level(str(text))]


# --------------------------------------------------------------------------
# Spec files and presets
# --------------------------------------------------------------------------
# PyYAML follows YAML 1.1, where ``1e-3`` (no dot) is a string.
_FLOAT_RE = re.compile(r'[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?')


def _yaml_value(value: Any) -> Any:
    if isinstance(value, str) and _FLOAT_RE.fullmatch(value.strip()):
        return float(value)
    if isinstance(value, list):
        return [_yaml_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _yaml_value(v) for k, v in value.items()}
    return value


def load_spec_file(path: str) -> Dict[str, Any]:
    """A ``.yaml``/``.yml``/``.json`` file, or a ``.py`` file holding one
    dict literal or top-level variables named like :data:`SPEC_KEYS`."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'sweep spec file not found: {path}')
    ext = osp.splitext(path)[1].lower()
    if ext in ('.yaml', '.yml', '.json'):
        import yaml  # JSON is a subset of YAML
        with open(path) as f:
            spec = _yaml_value(yaml.safe_load(f) or {})
    elif ext == '.py':
        with open(path) as f:
            source = f.read().strip()
        try:
            spec = ast.literal_eval(source)
        except (ValueError, SyntaxError):
            spec = {k: v for k, v in runpy.run_path(path).items()
                    if k in SPEC_KEYS}
    else:
        raise ValueError(f'unknown spec file type {ext!r}: use .yaml, .yml, '
                         '.json or .py')
    if not isinstance(spec, dict):
        raise ValueError(f'{path} must hold a dict, not {type(spec).__name__}')
    unknown = sorted(set(spec) - set(SPEC_KEYS))
    if unknown:
        raise ValueError(f'{path}: unknown spec keys {unknown}; known keys '
                         f'are {list(SPEC_KEYS)}')
    return spec


def presets() -> List[str]:
    if not osp.isdir(PRESET_DIR):
        return []
    return sorted(osp.splitext(f)[0] for f in os.listdir(PRESET_DIR)
                  if f.endswith('.yaml'))


def load_preset(name: str) -> Dict[str, Any]:
    if name not in presets():
        raise ValueError(f'unknown preset {name!r}; choose from {presets()} '
                         f'(spec files in {osp.relpath(PRESET_DIR)})')
    return load_spec_file(osp.join(PRESET_DIR, f'{name}.yaml'))


def _axes(grid: Dict[str, Any]) -> List[Axis]:
    """A spec file's ``grid``, in file order; a value may be a list or a
    ``'v1,v2'`` string as on the command line."""
    axes = []
    for key, values in (grid or {}).items():
        if isinstance(values, str):
            values = [parse_value(t) for t in split_top_level(values)]
        elif not isinstance(values, (list, tuple)):
            values = [values]
        axes.append(Axis(str(key), list(values)))
    return axes


def build_spec(grid: Sequence[str] = (), zip_axes: bool = False,
               seeds: Optional[str] = None, preset: Optional[str] = None,
               spec_file: Optional[Dict[str, Any]] = None) -> SweepSpec:
    """One :class:`SweepSpec` from flags and a spec file (or a preset, which
    is a spec file). With a preset, ``--grid`` may only narrow the preset's
    own axes: its tables (best alpha per gamma, the CE row) are defined for
    them."""
    spec_file = dict(spec_file or {})
    flag_axes = [parse_axis(g) for g in grid]
    if preset:
        base = load_preset(preset)
        narrowed = _axes(spec_file.get('grid')) + flag_axes
        axes = _axes(base['grid'])
        by_key = {a.key: i for i, a in enumerate(axes)}
        for axis in narrowed:
            if axis.key not in by_key:
                raise ValueError(
                    f'--grid {axis.key} is not an axis of the preset {preset}'
                    f'; with a preset, --grid may only narrow '
                    f'{[a.key for a in axes]} (use --cfg-options for '
                    'settings fixed across runs)')
            axes[by_key[axis.key]] = axis
        spec_file = {**base, **{k: v for k, v in spec_file.items()
                                if k != 'grid'}}
    else:
        axes = _axes(spec_file.get('grid')) + flag_axes
        if not axes and not spec_file.get('references') and \
                seeds is None and spec_file.get('seeds') is None:
            raise ValueError('nothing to sweep: give --grid KEY=V1,V2, '
                             '--preset, --seeds or --spec FILE')
    return SweepSpec(
        axes=axes, zip=bool(zip_axes or spec_file.get('zip')),
        seeds=parse_seeds(seeds if seeds is not None
                          else spec_file.get('seeds')),
        references=dict(spec_file.get('references') or {}),
        short_names=dict(spec_file.get('short_names') or {}),
        best_over=spec_file.get('best_over'), preset=preset,
        title=spec_file.get('title'))


# --------------------------------------------------------------------------
# Expansion
# --------------------------------------------------------------------------
def expand_points(axes: Sequence[Axis], zip_axes: bool = False
                  ) -> List[Dict[str, Any]]:
    if not axes:
        return [{}]
    keys = [a.key for a in axes]
    if len(set(keys)) != len(keys):
        raise ValueError(f'an axis is given twice: {keys}')
    if zip_axes:
        lengths = {a.key: len(a.values) for a in axes}
        if len(set(lengths.values())) != 1:
            raise ValueError(f'--zip needs axes of equal length, got {lengths}')
        combos = zip(*[a.values for a in axes])
    else:
        combos = itertools.product(*[a.values for a in axes])
    return [dict(zip(keys, c)) for c in combos]


def short_key_names(keys: Sequence[str]) -> Dict[str, str]:
    """The shortest dotted suffix of each key that no other key shares:
    ``model.bbox_head.loss_cls.gamma`` -> ``gamma``."""
    names = {}
    for key in keys:
        parts = key.split('.')
        for n in range(1, len(parts) + 1):
            cand = '.'.join(parts[-n:])
            if not any(k != key and '.'.join(k.split('.')[-n:]) == cand
                       for k in keys):
                names[key] = cand
                break
        else:
            names[key] = key
    return names


def format_value(value: Any) -> str:
    """A value as it appears in a run id and in tables: short and safe as a
    directory name."""
    if isinstance(value, (list, tuple)):
        text = '-'.join(format_value(v) for v in value)
    elif isinstance(value, dict):
        text = '-'.join(f'{k}-{format_value(v)}' for k, v in value.items())
    else:
        text = str(value)   # 2.0 stays '2.0', not the int 2
    return re.sub(r'[^\w.\-+]', '', text) or 'empty'


def expand_runs(spec: SweepSpec) -> List[Run]:
    """Every point (grid, then references) times every seed. Seeds are the
    outer loop, so a sweep stopped half-way has a complete table for the
    first seed."""
    points = [(p, None) for p in expand_points(spec.axes, spec.zip)]
    if not spec.axes and spec.references:
        points = []     # references only: no empty grid point
    points += [(dict(p), label) for label, p in spec.references.items()]
    names = spec.names()
    runs, seen = [], {}
    for seed in spec.seeds:
        for point, label in points:
            parts = ([format_value(label)] if label else
                     [f'{names.get(k, k)}={format_value(v)}'
                      for k, v in point.items()])
            overrides = dict(point)
            if seed is not None:
                overrides[SEED_KEY] = seed
                parts.append(f'seed={seed}')
            run_id = '_'.join(parts) or 'default'
            if run_id in seen:
                raise ValueError(
                    f'two runs would share the directory {run_id!r}: '
                    f'{seen[run_id]} and {overrides}. Give distinct values.')
            seen[run_id] = overrides
            runs.append(Run(run_id, overrides, seed, label))
    return runs
