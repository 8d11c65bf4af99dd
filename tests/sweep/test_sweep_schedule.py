"""--max-iters shortens a schedule consistently, and the plan built from a
config checks keys before anything runs."""
import pytest
from mmengine.config import Config

from custom_modules.errors import UserError
from custom_modules.sweep.api import build_spec
from custom_modules.sweep.plan import build_plan
from custom_modules.sweep.schedule import shorten_schedule

CONFIG = 'configs/ablations/retinanet_r18_fpn_160_focal_ablation.py'


def schedule_cfg(**train):
    return Config(dict(
        max_iters=400, val_interval=100,
        train_cfg=dict(type='IterBasedTrainLoop', max_iters=400,
                       val_interval=100, **train),
        param_scheduler=[
            dict(type='LinearLR', by_epoch=False, begin=0, end=40),
            dict(type='CosineAnnealingLR', by_epoch=False, begin=40, end=400,
                 T_max=360),
            dict(type='MultiStepLR', by_epoch=False, begin=0, end=400,
                 milestones=[200, 300])],
        default_hooks=dict(checkpoint=dict(type='CheckpointHook',
                                           by_epoch=False, interval=100))))


def test_everything_measured_in_iterations_scales():
    out = shorten_schedule(schedule_cfg(), 100)
    assert out['train_cfg.max_iters'] == 100 and out['max_iters'] == 100
    assert out['train_cfg.val_interval'] == 25 and out['val_interval'] == 25
    assert out['param_scheduler.0.end'] == 10          # warm-up stays 10%
    assert out['param_scheduler.1.begin'] == 10
    assert out['param_scheduler.1.end'] == 100         # ends at the new end
    assert out['param_scheduler.1.T_max'] == 90        # = end - begin
    assert out['param_scheduler.2.milestones'] == [50, 75]
    assert out['default_hooks.checkpoint.interval'] == 25


def test_checkpoint_keeps_its_own_rhythm_when_validation_is_rarer():
    # The ablation config validates only at the end but checkpoints half-way;
    # stretched from 250 to 500 iterations it must still checkpoint at 250.
    cfg = Config.fromfile(CONFIG)
    out = shorten_schedule(cfg, 500)
    assert out['train_cfg.val_interval'] == 500
    assert out['default_hooks.checkpoint.interval'] == 250


def test_explicit_val_interval_and_tiny_runs():
    out = shorten_schedule(schedule_cfg(), 3, val_interval=3)
    assert out['train_cfg.val_interval'] == 3
    assert out['param_scheduler.0.end'] >= 1
    assert out['param_scheduler.1.end'] == 3
    assert out['param_scheduler.1.T_max'] == 3 - out['param_scheduler.1.begin']


def test_epoch_based_schedule_is_refused():
    cfg = Config(dict(train_cfg=dict(type='EpochBasedTrainLoop',
                                     max_epochs=12)))
    with pytest.raises(ValueError, match='IterBasedTrainLoop'):
        shorten_schedule(cfg, 10)


def test_plan_applies_max_iters_to_every_run_and_writes_run_json(tmp_path):
    spec = build_spec(['model.bbox_head.loss_cls.gamma=0,2'], seeds='0')
    plan = build_plan(CONFIG, spec, name='t', max_iters=30,
                      root=str(tmp_path), command='python tools/sweep.py ...')
    assert plan.max_iters == 30
    opts = plan.cfg_options(plan.runs[1])
    assert 'train_cfg.max_iters=30' in opts
    assert 'param_scheduler.1.end=30' in opts
    assert opts[-2:] == ['model.bbox_head.loss_cls.gamma=2',
                         'randomness.seed=0']
    plan.write()
    import json
    info = json.load(open(tmp_path / 't' / 'gamma=2_seed=0' / 'run.json'))
    assert info['overrides'] == {'model.bbox_head.loss_cls.gamma': 2,
                                 'randomness.seed': 0}
    assert info['max_iters'] == 30 and info['cfg_options'] == opts
    assert info['environment']['torch']


def test_plan_rejects_misspelt_key_and_swept_fixed_clash(tmp_path):
    with pytest.raises(UserError, match='gama'):
        build_plan(CONFIG, build_spec(['model.bbox_head.loss_cls.gama=1']),
                   root=str(tmp_path))
    with pytest.raises(ValueError, match='both swept and fixed'):
        build_plan(CONFIG, build_spec(['train_cfg.max_iters=10,20']),
                   max_iters=5, root=str(tmp_path))


def test_rerun_with_other_settings_is_refused(tmp_path):
    spec = build_spec(['model.bbox_head.loss_cls.gamma=0,2'])
    build_plan(CONFIG, spec, name='t', max_iters=30, root=str(tmp_path)).write()
    # Same settings (e.g. the same command rerun): fine.
    build_plan(CONFIG, spec, name='t', max_iters=30, root=str(tmp_path)).write()
    with pytest.raises(ValueError, match='different'):
        build_plan(CONFIG, spec, name='t', max_iters=60,
                   root=str(tmp_path)).write()


def test_warmup_end_and_decay_begin_stay_together_in_tiny_runs():
    out = shorten_schedule(schedule_cfg(), 2)
    assert out['param_scheduler.0.end'] == out['param_scheduler.1.begin'] == 1
    assert out['param_scheduler.1.end'] == 2
    assert out['param_scheduler.1.T_max'] == 1
