"""Sweep spec files: the same sweep as the command-line flags, in a file you
can commit next to the results.

YAML::

    name: focal_grid
    grid:                                  # axes; cartesian product
      model.bbox_head.loss_cls.gamma: [0, 0.5, 1, 2, 5]
      model.bbox_head.loss_cls.alpha: [0.25, 0.5, 0.75]
    mode: product                          # or zip (paired lists)
    seeds: [0, 1]
    max_iters: 200
    cfg_options:                           # fixed for every run
      train_dataloader.batch_size: 4

Python, either one dict literal (the YAML above written as ``{...}``) or a
module whose top-level variables carry those names::

    grid = {'model.bbox_head.loss_cls.gamma': [0, 0.5, 1, 2, 5]}
    seeds = [0, 1]

Instead of ``grid``, ``points`` lists the runs' overrides explicitly (a list
of dicts), e.g. for an irregular set such as a grid plus a baseline.
"""
import ast
import os.path as osp
import re
import runpy
from typing import Any, Dict

from .grid import Axis, parse_value, split_top_level

SPEC_KEYS = ('config', 'name', 'grid', 'zip', 'mode', 'points', 'labels',
             'seeds', 'max_iters', 'val_interval', 'cfg_options', 'workers',
             'best_over', 'short_names')

# PyYAML follows YAML 1.1, where ``1e-3`` (no dot) is a string, not a float.
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
    """Read a spec file (``.yaml``/``.yml``/``.json``/``.py``) into a dict
    with the keys of :data:`SPEC_KEYS`."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'sweep spec file not found: {path}')
    ext = osp.splitext(path)[1].lower()
    if ext in ('.yaml', '.yml', '.json'):
        import yaml  # JSON is a subset of YAML
        with open(path) as f:
            spec = _yaml_value(yaml.safe_load(f) or {})
    elif ext == '.py':
        with open(path) as f:
            source = f.read()
        try:
            spec = ast.literal_eval(source.strip())
        except (ValueError, SyntaxError):
            namespace = runpy.run_path(path)
            spec = {k: v for k, v in namespace.items() if k in SPEC_KEYS}
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


def spec_axes(spec: Dict[str, Any]):
    """The ``grid`` entry as a list of :class:`Axis`, in file order. A value
    may be a list or a ``'v1,v2'`` string as on the command line."""
    axes = []
    for key, values in (spec.get('grid') or {}).items():
        if isinstance(values, str):
            values = [parse_value(t) for t in split_top_level(values)]
        elif not isinstance(values, (list, tuple)):
            values = [values]
        axes.append(Axis(str(key), list(values)))
    return axes
