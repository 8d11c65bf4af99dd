"""A swept value reaches the built model unchanged: through the run's
--cfg-options strings, mmengine's DictAction (what tools/train.py parses
them with), the config merge and mmdet's MODELS registry."""
import argparse

import pytest
from mmengine.config import Config, DictAction

from custom_modules.apis.config import import_plugins, load_config
from custom_modules.sweep.api import build_spec
from custom_modules.sweep.grid import expand_runs
from custom_modules.sweep.overrides import (flatten_overrides, to_cfg_options,
                                            to_cli_value)
from custom_modules.sweep.presets import CE_BASELINE

CONFIG = 'configs/ablations/retinanet_r18_fpn_160_focal_ablation.py'
G, A = 'model.bbox_head.loss_cls.gamma', 'model.bbox_head.loss_cls.alpha'


def parse_like_train_py(options):
    """Exactly the --cfg-options parsing of tools/train.py."""
    p = argparse.ArgumentParser()
    p.add_argument('--cfg-options', nargs='+', action=DictAction)
    return p.parse_args(['--cfg-options', *options]).cfg_options


def build_model(options):
    from mmdet.registry import MODELS
    cfg = load_config(CONFIG, parse_like_train_py(options))
    import_plugins(cfg)
    return MODELS.build(cfg.model)


@pytest.mark.parametrize('value', [0, 2, 0.25, 1e-4, True, None, 'FocalLoss',
                                   [1, 2], (160, 160), [(1, 2), (3, 4)], []])
def test_values_survive_dict_action(value):
    assert parse_like_train_py([f'k={to_cli_value(value)}'])['k'] == value


@pytest.mark.parametrize('value', ['1', 'a,b', 'two words', 'true'])
def test_values_that_would_change_are_refused(value):
    with pytest.raises(ValueError, match='does not survive'):
        to_cli_value(value)


def test_dict_value_replaces_instead_of_merging():
    flat = flatten_overrides({'model.bbox_head.loss_cls': dict(
        type='CrossEntropyLoss', use_sigmoid=True)})
    assert flat == {'model.bbox_head.loss_cls._delete_': True,
                    'model.bbox_head.loss_cls.type': 'CrossEntropyLoss',
                    'model.bbox_head.loss_cls.use_sigmoid': True}
    # mmengine's own merge, which honours _delete_ as a config file does.
    cfg = Config.fromfile(CONFIG)
    cfg.merge_from_dict(parse_like_train_py(to_cfg_options(
        {'model.bbox_head.loss_cls': dict(type='CrossEntropyLoss',
                                          use_sigmoid=True)})))
    assert dict(cfg.model.bbox_head.loss_cls) == dict(
        type='CrossEntropyLoss', use_sigmoid=True)   # no gamma/alpha left


def test_swept_gamma_and_alpha_reach_focal_loss():
    from mmdet.models.losses import FocalLoss
    runs = expand_runs(build_spec([f'{G}=0.5,5', f'{A}=0.75'], seeds='3'))
    for run in runs:
        model = build_model(to_cfg_options(run.overrides))
        loss = model.bbox_head.loss_cls
        assert isinstance(loss, FocalLoss)
        assert (loss.gamma, loss.alpha) == (run.overrides[G], 0.75)
    cfg = load_config(CONFIG, parse_like_train_py(
        to_cfg_options(runs[0].overrides)))
    assert cfg.randomness.seed == 3


def test_ce_baseline_reaches_focal_loss():
    loss = build_model(to_cfg_options(CE_BASELINE)).bbox_head.loss_cls
    assert (loss.gamma, loss.alpha, loss.loss_weight) == (0, 0.5, 2.0)
