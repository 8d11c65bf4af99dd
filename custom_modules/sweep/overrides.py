"""Passing a run's overrides to ``tools/train.py --cfg-options`` faithfully.

``--cfg-options`` is parsed by mmengine's ``DictAction``, which is not a
Python-literal parser: it turns ``'1'`` into the int 1, splits any value
with a comma into a list, drops spaces and quotes, and knows no dicts. A
sweep that formatted values naively could therefore train with a different
value than the one in its table, silently. This module

* flattens dict values into dotted keys, with ``_delete_=True`` so that the
  dict *replaces* the config's one as it would in a config file (swapping
  ``loss_cls=dict(type='CrossEntropyLoss', ...)`` must not keep FocalLoss's
  ``gamma``), and
* formats each value, then parses it back with ``DictAction`` and refuses
  any value that would not come back equal.
"""
from typing import Any, Dict, List

from mmengine.config import DictAction

DELETE_KEY = '_delete_'


def flatten_overrides(overrides: Dict[str, Any]) -> Dict[str, Any]:
    """``{'a.b': {'type': 'X', 'k': 1}}`` ->
    ``{'a.b._delete_': True, 'a.b.type': 'X', 'a.b.k': 1}``."""
    flat: Dict[str, Any] = {}
    for key, value in overrides.items():
        if isinstance(value, dict):
            flat[f'{key}.{DELETE_KEY}'] = True
            for sub_key, sub_value in flatten_overrides(
                    {f'{key}.{k}': v for k, v in value.items()}).items():
                flat[sub_key] = sub_value
        else:
            flat[key] = value
    return flat


def _format(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return '[' + ','.join(_format(v) for v in value) + ']'
    if isinstance(value, tuple):
        return '(' + ','.join(_format(v) for v in value) + ')'
    if isinstance(value, str):
        return value
    raise TypeError(f'{type(value).__name__} values cannot be passed '
                    'through --cfg-options')


def to_cli_value(value: Any) -> str:
    """The ``--cfg-options`` text that ``DictAction`` parses back to
    ``value``; ValueError when there is none."""
    text = _format(value)
    back = DictAction._parse_iterable(text)
    # == alone would accept True for 1 and 1 for 1.0; the type must match
    # too (the config's own types reach the model: gamma=2 vs 2.0 is fine
    # for a power, but a bool where an int is expected is not).
    if back != value or type(back) is not type(value):
        raise ValueError(
            f'the value {value!r} does not survive --cfg-options (it would be '
            f'read back as {back!r}). Strings may not contain commas, '
            'brackets or spaces, nor look like numbers or booleans; put such '
            'values in a config file and sweep over config files instead.')
    return text


def to_cfg_options(overrides: Dict[str, Any]) -> List[str]:
    """``['key=value', ...]`` for ``tools/train.py --cfg-options``."""
    return [f'{k}={to_cli_value(v)}'
            for k, v in flatten_overrides(overrides).items()]
