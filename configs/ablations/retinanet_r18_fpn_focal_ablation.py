# The focal-loss ablation model: the demo's RetinaNet (FPN P3-P7 with BN, GN
# subnets of 2 x 128 channels, 9 anchors per location, prior-0.01 bias)
# on a ResNet-18, trained with the fp32 20-minute recipe's levers
# (configs/ablations/retinanet_r50_fpn_fp32_20min.py: batch 4, progressive
# resizing 128 -> 160 -> 192 px, GIoU box loss, no EMA) for 3200 iterations.
# Built so that the paper's Table 1b can be measured at a plateau, with
# three seeds per cell, in an afternoon of 2 CPU cores:
#
#   python tools/sweep.py configs/ablations/retinanet_r18_fpn_focal_ablation.py \
#       --preset focal-gamma --seeds 0,1,2 --name focal-table1b
#
# Why ResNet-18: a focal-loss study compares losses, not backbones, and each
# cell is trained 3 times; ResNet-18 halves the step of ResNet-50 at the same
# input. Why these levers: from a random init, the number of updates and
# the resolution schedule decide how far a run gets (the probes behind them
# are in docs/benchmark_notes.md). The cells differ only in
# model.bbox_head.loss_cls (gamma, alpha, loss_weight), which the sweep sets.
# Validation every 320 iterations gives each run its curve: the last two
# points say whether it reached a plateau (tools/analysis/paper_claims.py).
# The length is what that rule asks for: at batch 4, 2000 iterations still
# gained 1.4-1.6 AP over their last 200 (docs/benchmark_notes.md), while the
# demo levelled off after about 13,000 images (1600 batch-8 steps); 3200
# batch-4 steps are those 13,000 images in more, smaller updates.
_base_ = './retinanet_r50_fpn_fp32_20min.py'
model = dict(
    backbone=dict(depth=18),
    neck=dict(in_channels=[64, 128, 256, 512]))
max_iters = 3200
val_interval = 320
warmup_iters = max_iters // 25
train_cfg = dict(max_iters=max_iters, val_interval=val_interval)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=warmup_iters),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=warmup_iters,
         end=max_iters, T_max=max_iters - warmup_iters, eta_min_ratio=0.05)
]
# One loader worker per run: a sweep trains two runs side by side on 2 cores.
train_dataloader = dict(num_workers=1)
val_dataloader = dict(num_workers=1)
test_dataloader = val_dataloader
default_hooks = dict(checkpoint=dict(interval=val_interval, max_keep_ckpts=1))
