"""What a config trains, as the zoo and the sweeps compare it: its schedule
and seed, and a fingerprint of its recipe.

A recorded result stands for a config only as long as the config still
trains the same thing. The fingerprint hashes the parts that decide what a
run learns (model, data, optimiser, schedule, seed) after resolving every
base, so the record, the README table and a resumed sweep can each tell a
retuned config from an unchanged one.
"""
import functools
import json
import os.path as osp
from typing import Optional

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


# A zoo run asks each config for its schedule, seed and recipe once per
# seed and once per table; the files do not change during the run, so each
# is parsed once.
@functools.lru_cache(maxsize=None)
def _load(config: str):
    from mmengine.config import Config
    return Config.fromfile(config)


def max_iters_of(config: str) -> int:
    return int(_load(config).train_cfg.max_iters)


def config_seed(config: str) -> Optional[int]:
    """The seed a config trains with when nothing overrides it."""
    return _load(config).get('randomness', {}).get('seed')


# The parts of a config that decide what a training run learns. Hooks,
# checkpoint intervals, logging and NHWC memory layout are left out: they
# change how a run is watched or how fast it goes, not its numbers.
RECIPE_KEYS = ('model', 'train_dataloader', 'optim_wrapper',
               'param_scheduler', 'train_cfg', 'randomness')


# Spellings that train the same model: a loader that skips an unreadable
# image reads the same pixels as one that does not, and an option set to
# None is the option left out (mmengine and mmdet default to None).
_SAME_TRANSFORM = {'LoadImageOrSkip': 'LoadImageFromFile'}


def _canonical(value):
    if isinstance(value, dict):
        return {k: _canonical(_SAME_TRANSFORM.get(v, v) if k == 'type' else v)
                for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    return value


@functools.lru_cache(maxsize=None)
def recipe_fingerprint(config: str) -> str:
    """A short hash of the config's recipe (RECIPE_KEYS, fully resolved
    through its bases), so that a recorded result is only shown for the
    recipe that produced it: change the model, data, optimiser or schedule
    and the old numbers stop standing in for the new config. Spellings of
    the same recipe (``_canonical``) hash alike, so that moving a setting
    between bases or stating a default does not orphan the record."""
    return recipe_of(_load(config))


def recipe_of(cfg) -> str:
    """:func:`recipe_fingerprint` of a loaded config (a run's dumped one)."""
    import hashlib
    recipe = _canonical({k: cfg.get(k) for k in RECIPE_KEYS})
    text = json.dumps(recipe, sort_keys=True, default=str)
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def current_recipe(config: str) -> Optional[str]:
    """The recipe fingerprint of ``config`` (a path from the repository
    root) as the repository has it now; None when the file is gone."""
    path = osp.join(REPO, config)
    return recipe_fingerprint(path) if osp.isfile(path) else None
