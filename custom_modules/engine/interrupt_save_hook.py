"""Save a checkpoint at the current iteration when the run is told to stop.

Slurm preempts a job with SIGTERM (then SIGKILL after a grace period, 30 s
by default); a user stops a run with Ctrl-C (SIGINT). Without this hook
either one loses every iteration since the last scheduled checkpoint, which
for a long schedule is hours.

The signal handler only sets a flag: saving from inside a signal handler
could interrupt a half-done optimiser step. The flag is read after each
training iteration (after CheckpointHook, so an iteration that was just
saved is not saved twice), where the weights, the optimiser and the
schedulers are consistent. The hook then saves through the run's
checkpoint hook (same file names, same atomic write), restores the previous
handlers and raises :class:`TrainingInterrupted`, which tools/train.py
prints as one line with the command that resumes. In a distributed run the
flag is reduced across ranks, so all ranks stop at the same iteration even
if only one received the signal.

A second Ctrl-C while the checkpoint is being written falls through to
Python's default handler and stops at once.
"""
import os.path as osp
import signal
import threading


from mmengine.dist import all_reduce, get_world_size
from mmengine.hooks import Hook
from mmengine.registry import HOOKS

from ..errors import TrainingInterrupted
from .atomic_checkpoint_hook import AtomicCheckpointHook

SIGNALS = (signal.SIGTERM, signal.SIGINT)


@HOOKS.register_module()
class InterruptSaveHook(Hook):

    priority = 'LOWEST'  # after CheckpointHook (VERY_LOW)

    def __init__(self):
        self._received = None
        self._previous = {}

    def _handle(self, signum, frame):
        if self._received is not None:
            # A second signal: the user means it.
            signal.signal(signum, signal.SIG_DFL)
            signal.raise_signal(signum)
        self._received = signum

    def before_train(self, runner) -> None:
        # Python only lets the main thread install handlers (a notebook's
        # worker thread, for example, keeps the default behaviour).
        if threading.current_thread() is not threading.main_thread():
            return
        for sig in SIGNALS:
            self._previous[sig] = signal.signal(sig, self._handle)

    def after_train(self, runner) -> None:
        self._restore()

    def _restore(self) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous = {}

    def _stop_requested(self) -> int:
        received = self._received or 0
        if get_world_size() > 1:
            import torch
            flag = torch.tensor([received])
            all_reduce(flag, op='max')
            received = int(flag.item())
        return received

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None) -> None:
        signum = self._stop_requested()
        if not signum:
            return
        step = runner.iter + 1
        hook = next((h for h in runner.hooks
                     if isinstance(h, AtomicCheckpointHook)), None)
        self._restore()
        if hook is None:
            raise TrainingInterrupted(
                f'{signal.Signals(signum).name} at iteration {step}; nothing '
                'was saved: the run has no AtomicCheckpointHook (set '
                "default_hooks.checkpoint.type='AtomicCheckpointHook').",
                signum)
        # Epoch-based loops cannot resume mid-epoch: that checkpoint keeps
        # the weights and the run restarts the current epoch.
        filename = (f'epoch_{runner.epoch}_iter_{step}.pth' if hook.by_epoch
                    else hook.filename_tmpl.format(step))
        meta = dict(epoch=runner.epoch, iter=step)
        path = osp.join(hook.out_dir, filename)
        if getattr(hook, 'last_ckpt', None) != path:  # not saved just now
            hook.save_now(runner, filename, meta)
        raise TrainingInterrupted(
            f'{signal.Signals(signum).name} at iteration {step}: saved '
            f'{path}. Continue with `python tools/train.py '
            f'{runner.cfg.filename} --work-dir {runner.work_dir} --resume`.',
            signum)
