"""--max-iters shortens a schedule consistently."""
import pytest
from mmengine.config import Config

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


def test_warmup_end_and_decay_begin_stay_together_in_tiny_runs():
    out = shorten_schedule(schedule_cfg(), 2)
    assert out['param_scheduler.0.end'] == out['param_scheduler.1.begin'] == 1
    assert out['param_scheduler.1.end'] == 2
    assert out['param_scheduler.1.T_max'] == 1
