"""A CheckpointHook whose saves cannot leave a run without a usable
checkpoint.

mmengine's CheckpointHook (0.10.7) first deletes the oldest checkpoint
beyond ``max_keep_ckpts``, then writes the new one straight into its final
path, then rewrites ``last_checkpoint`` in place. A kill in the middle of
that (Slurm preemption, the OOM killer, a laptop lid) can leave a truncated
``iter_N.pth`` that ``last_checkpoint`` may already name, and with
``max_keep_ckpts=1`` no intact checkpoint at all.

This hook keeps the same file names, intervals and options, and changes the
order and the way files are written:

1. the checkpoint is written to ``iter_N.pth.tmp`` and renamed to
   ``iter_N.pth``; a rename within one directory is atomic on POSIX file
   systems, so ``iter_N.pth`` is either complete or absent;
2. ``last_checkpoint`` is replaced the same way, only after step 1;
3. only then are checkpoints beyond ``max_keep_ckpts`` deleted.

A kill at any moment therefore leaves the previous checkpoint and a
``last_checkpoint`` that names an intact file, which is what
``tools/train.py --resume`` reads.
"""
import os
import os.path as osp

from mmengine.dist import is_main_process
from mmengine.hooks import CheckpointHook
from mmengine.registry import HOOKS


def replace_text_atomically(path: str, text: str) -> None:
    tmp = f'{path}.tmp'
    with open(tmp, 'w') as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


@HOOKS.register_module()
class AtomicCheckpointHook(CheckpointHook):
    """CheckpointHook with write-then-rename saves and pruning last."""

    def _save_checkpoint_with_step(self, runner, step, meta):
        if not osp.isdir(self.out_dir):
            # Object stores (s3://, petrel) have their own atomic puts.
            return super()._save_checkpoint_with_step(runner, step, meta)
        self.save_now(runner, self.filename_tmpl.format(step), meta)
        if is_main_process():
            self._prune(runner, step)

    def save_now(self, runner, filename: str, meta: dict) -> str:
        """Write ``out_dir/filename`` and point ``last_checkpoint`` at it,
        each by write-then-rename. Returns the checkpoint's path."""
        self.last_ckpt = osp.join(self.out_dir, filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        runner.save_checkpoint(
            self.out_dir, filename + '.tmp', self.file_client_args,
            save_optimizer=self.save_optimizer,
            save_param_scheduler=self.save_param_scheduler, meta=meta,
            by_epoch=self.by_epoch, backend_args=self.backend_args,
            **self.args)
        if is_main_process():
            os.replace(self.last_ckpt + '.tmp', self.last_ckpt)
            replace_text_atomically(
                osp.join(runner.work_dir, 'last_checkpoint'), self.last_ckpt)
        return self.last_ckpt

    def _prune(self, runner, step) -> None:
        if self.max_keep_ckpts <= 0:
            return
        # mmengine keeps the ids in a deque bounded to max_keep_ckpts, which
        # would forget the oldest id on append before we delete its file.
        ids = list(self.keep_ckpt_ids)
        if not ids or ids[-1] != step:
            ids.append(step)
        for old in ids[:-self.max_keep_ckpts]:
            path = osp.join(self.out_dir, self.filename_tmpl.format(old))
            if osp.isfile(path):
                os.remove(path)
        self.keep_ckpt_ids.clear()
        self.keep_ckpt_ids.extend(ids[-self.max_keep_ckpts:])
        runner.message_hub.update_info('keep_ckpt_ids',
                                       list(self.keep_ckpt_ids))
