"""What ``tools/train.py`` does, as a function other code can call.

A run that reaches the end of its schedule writes ``<work_dir>/DONE``. That
file is the one meaning of "finished" in DetLab: a sweep skips such a run,
the zoo does not retrain it, and a run killed at any point before (even
after its last validation) has none and resumes.
"""
import errno
import json
import os
import os.path as osp
import time
from contextlib import contextmanager
from typing import Optional

import torch

from . import preflight
from .config import check_model, import_plugins, load_config
from ..errors import UserError, WorkDirBusy


def prepare_train_config(config: str, work_dir: Optional[str] = None,
                         resume: Optional[str] = None, amp: bool = False,
                         cfg_options: Optional[dict] = None,
                         launcher: str = 'none',
                         max_iters: Optional[int] = None,
                         val_interval: Optional[int] = None,
                         tensorboard: bool = False):
    """Load ``config`` with overrides and the run options and check it.

    ``resume``: None (fresh run), ``'auto'`` (continue from the work dir's
    last checkpoint when there is one) or a checkpoint path.
    ``max_iters``/``val_interval``: the config's schedule compressed to that
    length (warm-up, decay, validation and checkpoint intervals rescaled
    together, the same function ``tools/sweep.py --max-iters`` uses), applied
    after ``cfg_options``. ``tensorboard``: also log every scalar to
    TensorBoard event files in ``<work_dir>/<timestamp>/vis_data/``.
    """
    preflight.check_mmcv_ops()
    cfg = load_config(config, cfg_options, work_dir)
    preflight.check_work_dir(cfg.work_dir)
    if max_iters is not None or val_interval is not None:
        _compress_schedule(cfg, max_iters, val_interval)
    import_plugins(cfg)
    check_model(cfg)
    cfg.launcher = launcher
    if resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif resume:
        if not osp.isfile(resume):
            raise UserError(f'checkpoint to resume not found: {resume}. '
                            'Pass an existing .pth, or --resume alone to '
                            'continue from the work dir\'s last checkpoint.')
        cfg.resume, cfg.load_from = True, resume
    if amp:
        _use_amp(cfg)
    if tensorboard:
        backends = list(cfg.visualizer.get('vis_backends') or [])
        if not any(b.get('type') == 'TensorboardVisBackend' for b in backends):
            backends.append(dict(type='TensorboardVisBackend'))
        cfg.visualizer.vis_backends = backends
    if launcher != 'none' and not torch.cuda.is_available():
        # nccl needs GPUs; gloo lets torchrun runs work on CPU-only nodes.
        cfg.env_cfg.dist_cfg = dict(backend='gloo')
    loaders = ['train_dataloader']
    if cfg.get('val_cfg') and cfg.get('val_dataloader'):
        loaders.append('val_dataloader')
    preflight.check_datasets(cfg, loaders)
    preflight.check_pretrained(cfg, resume=bool(resume))
    return cfg


def _compress_schedule(cfg, max_iters: Optional[int],
                       val_interval: Optional[int]) -> None:
    from custom_modules.sweep.schedule import shorten_schedule
    length = (max_iters if max_iters is not None
              else (cfg.get('train_cfg') or {}).get('max_iters'))
    if length is None:
        raise UserError(f'--max-iters/--val-interval need an iteration-based '
                        f'schedule (train_cfg.max_iters); {cfg.filename} has '
                        f"{(cfg.get('train_cfg') or {}).get('type')}. Set "
                        'train_cfg.max_epochs through --cfg-options instead.')
    try:
        cfg.merge_from_dict(shorten_schedule(cfg, int(length), val_interval))
    except ValueError as err:
        raise UserError(str(err)) from None


def _use_amp(cfg) -> None:
    """--amp: fp16 with dynamic loss scaling on a GPU (mmengine's
    AmpOptimWrapper), bf16 autocast on a CPU that has native bf16."""
    cfg.optim_wrapper.pop('enabled', None)
    if torch.cuda.is_available():
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.loss_scale = 'dynamic'
        return
    from custom_modules.engine.bf16_autocast_optim_wrapper import native_bf16
    if cfg.model.get('roi_head'):
        raise UserError(f'--amp on a CPU means bf16, which the RoI stage of '
                        f"{cfg.model.type} cannot take (mmcv's CPU nms and "
                        'roi_align are fp32 only); drop --amp.')
    if not native_bf16('cpu'):
        raise UserError('--amp on a CPU needs native bf16 (AVX512-BF16 or '
                        'AMX) and this CPU has neither; drop --amp to train '
                        'in fp32.')
    cfg.optim_wrapper.type = 'BF16AutocastOptimWrapper'
    cfg.optim_wrapper.enabled = True


DONE = 'DONE'


def finished(work_dir: str) -> bool:
    """Whether the run in ``work_dir`` trained to the end of its schedule."""
    return osp.isfile(osp.join(work_dir, DONE))


LOCK = '.train.lock'


@contextmanager
def work_dir_lock(work_dir: str):
    """Hold the work dir for one training process.

    Why: two processes resuming the same run (a zoo started twice, a sweep
    beside a zoo on the same run dir) would both load the last checkpoint,
    train the same iterations, and overwrite each other's checkpoints and
    DONE: hours of compute spent twice, and a record that mixes the two.
    The lock is a POSIX record lock (``lockf``) on ``<work_dir>/.train.lock``:
    the kernel releases it when the holder dies however it dies (even
    SIGKILL), so a crash never leaves a stale lock, and unlike ``flock`` it
    is not inherited by forked dataloader workers, which could outlive
    their parent for a moment and hold it. The file keeps the holder's pid
    for the message. Under torchrun only global rank 0 takes it, for the
    whole job. Where fcntl is missing (not POSIX) there is no lock."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    if os.environ.get('RANK', '0') != '0':
        yield
        return
    fd = os.open(osp.join(work_dir, LOCK), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            if err.errno not in (errno.EACCES, errno.EAGAIN):
                raise
            holder = os.pread(fd, 32, 0).decode(errors='replace').strip()
            raise WorkDirBusy(
                f'{work_dir} is being trained by another process (pid '
                f'{holder or "unknown"}); two runs in one work dir would '
                'overwrite each other\'s checkpoints. Wait for it, stop it, '
                'or pass another --work-dir.') from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f'{os.getpid()}\n'.encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def train(config: str, **kwargs):
    """Train and return the Runner (its work_dir holds the checkpoints,
    ``val_metrics_last.json`` and, once the schedule is complete, DONE).
    One process at a time per work dir (:func:`work_dir_lock`)."""
    t0 = time.time()
    cfg = prepare_train_config(config, **kwargs)
    from mmengine.runner import Runner
    with work_dir_lock(cfg.work_dir):
        runner = Runner.from_cfg(cfg)
        with _offline_errors():
            runner.train()
        if runner.rank == 0:
            path = osp.join(runner.work_dir, DONE)
            with open(f'{path}.tmp', 'w') as f:
                json.dump(dict(finished=time.strftime('%Y-%m-%dT%H:%M:%S'),
                               iter=runner.iter,
                               wall_seconds=round(time.time() - t0, 1)), f)
            os.replace(f'{path}.tmp', path)
    return runner


class _offline_errors:
    """Turn a failed weight download into one line: this project runs on
    machines with no internet access."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        import urllib.error
        if exc_type is not None and issubclass(
                exc_type, (urllib.error.URLError, ConnectionError)):
            raise UserError(
                f'a download failed ({exc}); this machine looks offline. Put '
                'the file in ~/.cache/torch/hub/checkpoints/ or give the '
                'config a local checkpoint path.') from None
        return False
