"""Shortening an iteration-based schedule without breaking it.

Setting ``train_cfg.max_iters=100`` on a 400-iteration config is not enough:
the cosine decay would still be planned for 400 iterations (the run would end
at 3/4 of its peak learning rate instead of the bottom of the curve), the
warm-up would take 40% of the run instead of 10%, and the validation and
checkpoint intervals would not divide the new length. A short sweep run must
be the *same recipe, compressed*, or comparing its numbers with the full
recipe's means nothing.

:func:`shorten_schedule` scales everything that is measured in iterations by
``new / old``:

* ``train_cfg.max_iters`` and ``train_cfg.val_interval``;
* every iteration-based ``param_scheduler``'s ``begin``/``end`` and its
  period arguments (``T_max``, ``milestones``, ``step_size``, ...);
* the checkpoint interval, so that an interrupted run can resume mid-way;
* the config's top-level ``max_iters``/``val_interval`` variables, so the
  config dumped in the work dir does not contradict itself.

It returns plain dotted overrides (``param_scheduler.1.T_max=...``) that go
through ``--cfg-options`` like any swept key.
"""
from typing import Any, Dict, Optional

# Scheduler arguments measured in iterations besides begin/end.
PERIOD_KEYS = ('T_max', 'step_size', 'total_iters', 'T_0', 'warmup_iters')
LIST_PERIOD_KEYS = ('milestones', 'periods')


def _scale(x: int, ratio: float, minimum: int = 1) -> int:
    return max(minimum, int(round(x * ratio)))


def _boundary(x: int, old: int, new: int) -> int:
    """Map a phase boundary (a scheduler's begin or end) from an ``old``-
    iteration schedule to a ``new`` one. Every boundary goes through this
    one function, so where the warm-up ends the decay still begins; 0 and
    the last iteration map exactly, so no phase is lost or left dangling,
    and an inner boundary stays inside (1 .. new - 1) even for tiny runs."""
    if x <= 0 or x >= old:
        return 0 if x <= 0 else new
    return min(max(int(round(x * new / old)), 1), max(new - 1, 1))


def shorten_schedule(cfg, max_iters: int,
                     val_interval: Optional[int] = None) -> Dict[str, Any]:
    """Overrides that turn ``cfg``'s iteration-based schedule into one of
    ``max_iters`` iterations. ``val_interval``: the new validation interval
    (default: the old one scaled, capped at ``max_iters``)."""
    if max_iters < 1:
        raise ValueError(f'--max-iters must be >= 1, got {max_iters}')
    train_cfg = cfg.get('train_cfg') or {}
    if 'max_iters' not in train_cfg:
        raise ValueError(
            'the config has no train_cfg.max_iters (it is epoch-based: '
            f"{train_cfg.get('type')}); --max-iters needs an "
            'IterBasedTrainLoop. Use --cfg-options train_cfg.max_epochs=N '
            'and adjust the schedulers yourself.')
    old = int(train_cfg['max_iters'])
    ratio = max_iters / old
    out: Dict[str, Any] = {'train_cfg.max_iters': max_iters}

    old_val = train_cfg.get('val_interval')
    if val_interval is None and old_val is not None:
        val_interval = min(_scale(old_val, ratio), max_iters)
    if val_interval is not None:
        out['train_cfg.val_interval'] = int(val_interval)

    schedulers = cfg.get('param_scheduler') or []
    single = isinstance(schedulers, dict)
    for i, sch in enumerate([schedulers] if single else schedulers):
        if sch.get('by_epoch', True) and not sch.get('convert_to_iter_based'):
            # Epoch-based schedulers inside an iteration loop never advance;
            # they are the config's business, not a length to rescale.
            continue
        prefix = 'param_scheduler.' if single else f'param_scheduler.{i}.'
        begin = sch.get('begin', 0)
        new_begin = _boundary(begin, old, max_iters)
        if 'begin' in sch:
            out[prefix + 'begin'] = new_begin
        if 'end' in sch and sch['end'] <= old:
            out[prefix + 'end'] = max(_boundary(sch['end'], old, max_iters),
                                      new_begin + 1)
        for key in PERIOD_KEYS:
            if key in sch:
                if (key == 'T_max' and prefix + 'end' in out and
                        sch[key] == sch['end'] - begin):
                    # The common "one cosine over the whole phase" case:
                    # keep it exact instead of rounding separately.
                    out[prefix + key] = out[prefix + 'end'] - new_begin
                else:
                    out[prefix + key] = _scale(sch[key], ratio)
        for key in LIST_PERIOD_KEYS:
            if key in sch:
                out[prefix + key] = [_scale(m, ratio) for m in sch[key]]

    ckpt = (cfg.get('default_hooks') or {}).get('checkpoint')
    if ckpt and not ckpt.get('by_epoch', True) and 'interval' in ckpt:
        # Checkpoint at the config's own rhythm, rescaled, and at least at
        # every validation: an interrupted short run then loses at most one
        # of those periods (a config that validates only at the end still
        # keeps its half-way checkpoint).
        candidates = [v for v in (val_interval,
                                  _scale(ckpt['interval'], ratio)) if v]
        out['default_hooks.checkpoint.interval'] = int(min(candidates))

    # Top-level helper variables (``max_iters = 400`` in the schedule file)
    # were already substituted into the dicts above; update them anyway so
    # that the config mmengine dumps into the work dir reads consistently.
    if 'max_iters' in cfg:
        out['max_iters'] = max_iters
    if 'val_interval' in cfg and val_interval is not None:
        out['val_interval'] = int(val_interval)
    return out
