"""Train a detector from a config.

    python tools/train.py configs/retinanet_r50_fpn.py
    python tools/train.py CONFIG --work-dir DIR --resume            # continue
    python tools/train.py CONFIG --max-iters 600      # the same recipe, shorter
    python tools/train.py CONFIG --tensorboard        # + tensorboard --logdir WORK_DIR
    python tools/train.py CONFIG --cfg-options model.bbox_head.loss_cls.gamma=1
    bash tools/dist_train.sh CONFIG 8                             # torchrun
"""
import argparse


from mmengine.config import DictAction

from custom_modules.apis.cli import (add_launcher_arguments, export_local_rank,
                                     user_errors_as_one_line)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('config', help='config file, e.g. configs/ssd300.py')
    p.add_argument('--work-dir', help='where logs and checkpoints go '
                   '(default: work_dirs/<config name>)')
    p.add_argument('--resume', nargs='?', const='auto', default=None,
                   metavar='CKPT', help='resume from CKPT, or with no value '
                   "from the work dir's last checkpoint")
    p.add_argument('--amp', action='store_true',
                   help='mixed precision: fp16 on a GPU, bf16 on a CPU with '
                   'native bf16')
    p.add_argument('--max-iters', type=int, metavar='N',
                   help='train N iterations with the warm-up, lr decay, '
                   'validation and checkpoint intervals rescaled to match '
                   '(train_cfg.max_iters=N alone would cut the schedule)')
    p.add_argument('--val-interval', type=int, metavar='N',
                   help='validate every N iterations')
    p.add_argument('--tensorboard', action='store_true',
                   help='also write TensorBoard event files: tensorboard '
                   '--logdir WORK_DIR')
    p.add_argument('--cfg-options', nargs='+', action=DictAction,
                   help='override config keys, e.g. train_cfg.max_iters=200')
    add_launcher_arguments(p)
    args = p.parse_args(argv)
    export_local_rank(args)
    return args


@user_errors_as_one_line
def main(argv=None):
    args = parse_args(argv)
    from custom_modules.apis.train import train
    train(args.config, work_dir=args.work_dir, resume=args.resume,
          amp=args.amp, cfg_options=args.cfg_options, launcher=args.launcher,
          max_iters=args.max_iters, val_interval=args.val_interval,
          tensorboard=args.tensorboard)


if __name__ == '__main__':
    main()
