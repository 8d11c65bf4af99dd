"""Stop a run the moment its numbers stop being numbers.

A NaN or Inf loss poisons every weight within one optimiser step, and from
then on the run only burns time: every later loss is NaN, every later
checkpoint is garbage, and with ``max_keep_ckpts`` the last good checkpoint
is eventually deleted to make room for them. A gradient norm that explodes
(a learning rate too high for the batch, a bad box with a huge regression
target) is the usual step before it.

This hook checks, after each training iteration and before the checkpoint
hook runs (its priority is higher), that every logged loss term is finite
and, when ``max_grad_norm`` is set, that the total gradient norm of that
iteration was finite and within the bound. If not, it raises
:class:`TrainingDiverged`, whose one line names the iteration, the loss
terms and the last good checkpoint. The diverged weights are never saved.

The gradient norm is measured by a pre-step hook on the optimizer
(``torch.optim.Optimizer.register_step_pre_hook``), so it needs no
``clip_grad`` in the config and sees the gradients before any clipping
changes them; under fp16 loss scaling it sees them already unscaled.
"""
import math
import os.path as osp
from typing import Optional

import torch
from mmengine.hooks import Hook
from mmengine.registry import HOOKS

from ..errors import TrainingDiverged


def total_grad_norm(params) -> float:
    """The L2 norm of all gradients together, as clip_grad_norm_ defines
    it: the norm of the per-parameter norms."""
    norms = [torch.linalg.vector_norm(p.grad.detach(), 2.0)
             for p in params if p.grad is not None]
    if not norms:
        return 0.0
    return float(torch.linalg.vector_norm(torch.stack(norms), 2.0))


@HOOKS.register_module()
class NaNGuardHook(Hook):
    """Args:
        max_grad_norm: stop when the total gradient norm exceeds it; None
            checks only that the losses are finite (and measures nothing).
    """

    priority = 'ABOVE_NORMAL'  # before CheckpointHook (VERY_LOW)

    def __init__(self, max_grad_norm: Optional[float] = None):
        if max_grad_norm is not None and not max_grad_norm > 0:
            raise ValueError(f'NaNGuardHook: max_grad_norm must be > 0 or '
                             f'None, got {max_grad_norm}')
        self.max_grad_norm = max_grad_norm
        self._grad_norm = None
        self._handles = []

    def before_train(self, runner) -> None:
        if self.max_grad_norm is None:
            return
        wrapper = runner.optim_wrapper
        wrappers = (wrapper.values() if hasattr(wrapper, 'values')
                    else [wrapper])
        for w in wrappers:
            optimizer = w.optimizer

            def measure(opt, args, kwargs):
                self._grad_norm = total_grad_norm(
                    p for g in opt.param_groups for p in g['params'])
            self._handles.append(optimizer.register_step_pre_hook(measure))

    def after_train(self, runner) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles = []

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None) -> None:
        # detach: the total loss still carries its graph here.
        losses = {k: float(v.detach() if hasattr(v, 'detach') else v)
                  for k, v in (outputs or {}).items() if k.startswith('loss')}
        grad_norm, self._grad_norm = self._grad_norm, None
        bad_losses = [k for k, v in losses.items() if not math.isfinite(v)]
        if bad_losses:
            why = f'non-finite {", ".join(bad_losses)}'
        elif grad_norm is not None and not math.isfinite(grad_norm):
            why = f'non-finite gradient norm ({grad_norm})'
        elif grad_norm is not None and grad_norm > self.max_grad_norm:
            why = (f'gradient norm {grad_norm:.4g} > max_grad_norm '
                   f'{self.max_grad_norm:g}')
        else:
            return
        terms = ', '.join(f'{k}={v:.4g}' for k, v in losses.items())
        raise TrainingDiverged(
            f'training diverged at iteration {runner.iter + 1}: {why} '
            f'({terms}); nothing was saved from it. Last good checkpoint: '
            f'{last_checkpoint(runner.work_dir)}. Lower the lr or add '
            'optim_wrapper.clip_grad=dict(max_norm=35), then resume from '
            'that checkpoint with --resume CKPT.')


def last_checkpoint(work_dir: str) -> str:
    marker = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(marker):
        with open(marker) as f:
            return f.read().strip()
    return 'none yet (the run diverged before its first save)'
