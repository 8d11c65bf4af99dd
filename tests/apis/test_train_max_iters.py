"""tools/train.py --max-iters N: the config's recipe compressed to N
iterations, not cut. Checked by stepping mmengine's real parameter schedulers
built from the resulting config and reading the learning rate."""
import pytest
import torch
from mmengine.optim import build_optim_wrapper
from mmengine.registry import PARAM_SCHEDULERS

from conftest import shapes_overrides
from custom_modules.errors import UserError
from custom_modules.apis.train import prepare_train_config

DEMO = 'configs/retinanet_r50_fpn.py'


def lr_trace(cfg, iters):
    """The lr that each of ``iters`` iterations trains with, from the
    config's optimizer and schedulers (a 1-parameter model)."""
    model = torch.nn.Linear(1, 1)
    wrapper_cfg = dict(cfg.optim_wrapper)
    wrapper_cfg['type'] = 'OptimWrapper'  # bf16 autocast is irrelevant here
    wrapper_cfg.pop('enabled', None)
    wrapper = build_optim_wrapper(model, wrapper_cfg)
    schedulers = [PARAM_SCHEDULERS.build(dict(s, optimizer=wrapper.optimizer))
                  for s in cfg.param_scheduler]
    trace = []
    for _ in range(iters):
        trace.append(wrapper.optimizer.param_groups[0]['lr'])
        for s in schedulers:
            s.step()
    return trace


@pytest.fixture
def demo_cfg_opts(tiny_shapes):
    return shapes_overrides(tiny_shapes)


def test_max_iters_compresses_warmup_and_cosine(demo_cfg_opts, tmp_path):
    full = prepare_train_config(DEMO, work_dir=str(tmp_path),
                                cfg_options=demo_cfg_opts)
    n = 300
    short = prepare_train_config(DEMO, work_dir=str(tmp_path),
                                 cfg_options=demo_cfg_opts, max_iters=n)
    peak = full.optim_wrapper.optimizer.lr
    old = full.train_cfg.max_iters
    assert short.train_cfg.max_iters == n
    lr = lr_trace(short, n)
    # Warm-up: the same fraction of the run as in the full recipe.
    old_warm = full.param_scheduler[0].end
    new_warm = short.param_scheduler[0].end
    assert new_warm == round(old_warm * n / old)
    assert lr[0] == pytest.approx(peak * 0.01)
    assert max(lr) == pytest.approx(peak, rel=1e-6)
    # mmengine's LinearLR reaches its end factor one step before `end`.
    assert new_warm - 1 <= lr.index(max(lr)) <= new_warm
    # The cosine reaches its floor (5% of the peak) on the last iteration,
    # as the full schedule does at its own end.
    assert lr[-1] == pytest.approx(peak * 0.05, rel=0.02)
    # Half-way through the decay the cosine is at its mid value.
    mid = new_warm + (n - new_warm) // 2
    assert lr[mid] == pytest.approx(peak * (0.05 + 0.95 * 0.5), rel=0.02)
    # Validation and checkpoints keep their rhythm relative to the length.
    assert short.train_cfg.val_interval == round(
        full.train_cfg.val_interval * n / old)
    assert short.default_hooks.checkpoint.interval <= \
        short.train_cfg.val_interval


def test_cutting_max_iters_alone_leaves_lr_high(demo_cfg_opts, tmp_path):
    """What --max-iters exists for: the plain override ends the run with
    the lr still high, because the cosine is planned for the full length."""
    opts = dict(demo_cfg_opts, **{'train_cfg.max_iters': 300})
    cut = prepare_train_config(DEMO, work_dir=str(tmp_path), cfg_options=opts)
    lr = lr_trace(cut, 300)
    assert lr[-1] > 0.8 * cut.optim_wrapper.optimizer.lr


def test_val_interval_alone_keeps_length(demo_cfg_opts, tmp_path):
    cfg = prepare_train_config(DEMO, work_dir=str(tmp_path),
                               cfg_options=demo_cfg_opts, val_interval=50)
    full = prepare_train_config(DEMO, work_dir=str(tmp_path),
                                cfg_options=demo_cfg_opts)
    assert cfg.train_cfg.max_iters == full.train_cfg.max_iters
    assert cfg.train_cfg.val_interval == 50
    assert cfg.param_scheduler[1].end == full.param_scheduler[1].end


def test_max_iters_on_epoch_based_config_is_one_line(tmp_path):
    with pytest.raises(UserError, match='IterBasedTrainLoop|iteration-based'):
        prepare_train_config('configs/coco/retinanet_r50_fpn_1x_coco.py',
                             work_dir=str(tmp_path), max_iters=10)


def test_max_iters_zero_is_one_line(demo_cfg_opts, tmp_path):
    with pytest.raises(UserError, match='--max-iters must be >= 1'):
        prepare_train_config(DEMO, work_dir=str(tmp_path),
                             cfg_options=demo_cfg_opts, max_iters=0)
