"""NaNGuardHook stops the run at the first non-finite loss or gradient
norm past the bound, names the iteration, the loss terms and the last good
checkpoint, and lets nothing diverged reach the disk."""
import math

import pytest
import torch

from custom_modules.engine.nan_guard_hook import NaNGuardHook, total_grad_norm
from custom_modules.errors import TrainingDiverged
from conftest import ToyRegression, toy_runner


def faulty_model(at_call, factor):
    """The toy model whose loss is multiplied by ``factor`` from its
    ``at_call``-th forward on."""
    class Faulty(ToyRegression):
        def forward(self, inputs, targets=None, mode='loss'):
            out = super().forward(inputs, targets, mode)
            if self.calls >= at_call:
                out['loss'] = out['loss'] * factor
            return out
    return Faulty()


def test_total_grad_norm_is_the_norm_clip_grad_norm_reports():
    torch.manual_seed(0)
    params = [torch.nn.Parameter(torch.randn(3, 4)) for _ in range(3)]
    for p in params:
        p.grad = torch.randn_like(p)
    by_hand = math.sqrt(sum(float((p.grad ** 2).sum()) for p in params))
    assert total_grad_norm(params) == pytest.approx(by_hand, rel=1e-6)
    assert total_grad_norm(params) == pytest.approx(float(
        torch.nn.utils.clip_grad_norm_(params, float('inf'))), rel=1e-6)


def test_nan_loss_stops_the_run_and_keeps_the_last_good_checkpoint(tmp_path):
    runner = toy_runner(tmp_path, max_iters=8, interval=2,
                        model=faulty_model(5, float('nan')),
                        hooks=[NaNGuardHook()])
    with pytest.raises(TrainingDiverged) as err:
        runner.train()
    msg = str(err.value)
    assert 'training diverged at iteration 5: non-finite loss' in msg
    assert 'loss=nan' in msg
    assert f'Last good checkpoint: {tmp_path}/iter_4.pth' in msg
    assert '\n' not in msg
    assert sorted(p.name for p in tmp_path.glob('*.pth')) == [
        'iter_2.pth', 'iter_4.pth']
    saved = torch.load(tmp_path / 'iter_4.pth', weights_only=False)
    assert all(torch.isfinite(v).all() for v in saved['state_dict'].values())


def test_gradient_norm_past_the_bound_stops_the_run(tmp_path):
    runner = toy_runner(tmp_path, max_iters=8, interval=2,
                        model=faulty_model(3, 1e6),
                        hooks=[NaNGuardHook(max_grad_norm=1e3)])
    with pytest.raises(TrainingDiverged) as err:
        runner.train()
    assert 'at iteration 3: gradient norm' in str(err.value)
    assert '> max_grad_norm 1000' in str(err.value)
    assert [p.name for p in tmp_path.glob('*.pth')] == ['iter_2.pth']


def test_diverging_before_the_first_save_says_so(tmp_path):
    runner = toy_runner(tmp_path, max_iters=8, interval=4,
                        model=faulty_model(1, float('inf')),
                        hooks=[NaNGuardHook()])
    with pytest.raises(TrainingDiverged, match='none yet'):
        runner.train()


def test_healthy_run_is_untouched(tmp_path):
    runner = toy_runner(tmp_path, max_iters=4, interval=2,
                        hooks=[NaNGuardHook(max_grad_norm=1e3)])
    runner.train()
    assert runner.iter == 4


def test_bound_must_be_positive():
    with pytest.raises(ValueError, match='max_grad_norm must be > 0'):
        NaNGuardHook(max_grad_norm=0)
