# The quickest focal-loss sweep: RetinaNet with a ResNet-18 backbone at 160 px
# on the embedded shapes dataset, 250 iterations, for trying tools/sweep.py
# in minutes (and for the sweep's tests):
#
#   python tools/sweep.py configs/ablations/retinanet_r18_fpn_160_focal_ablation.py \
#       --preset focal-gamma --seeds 0,1 --name focal_gamma
#
# It is too short to answer the paper: from a random init its cells stay
# under 8 AP (docs/ablations.md, sweep focal_gamma), where seed noise is as
# large as the effects. The study itself runs on
# configs/ablations/retinanet_r18_fpn_focal_ablation.py, which reaches a
# plateau (docs/paper_claims.md).
#
# What it keeps from the paper's RetinaNet: FPN P3-P7, 9 anchors per location,
# sigmoid classification with the prior-0.01 bias init, MaxIoU assignment
# (pos >= 0.5, neg < 0.4) and the focal loss, whose gamma/alpha the sweep
# varies. What it changes: ResNet-18 from a random init with BN training
# everywhere (no ImageNet weights offline); 160 px input (the imbalance the
# focal loss is about stays: 4,842 anchors x 6 classes per image, a few dozen
# positive); subnets of 2 convs of 64 channels; anchors from 2x stride
# (16 px on P3) for the dataset's 8-160 px objects; batch 4.
_base_ = [
    '../_base_/models/retinanet_r50_fpn.py',
    '../_base_/datasets/shapes_detection.py',
    '../_base_/schedules/cpu_adamw_short.py',
    '../_base_/default_runtime.py',
]
norm_cfg = dict(type='BN', requires_grad=True)
model = dict(
    backbone=dict(depth=18, frozen_stages=-1, norm_eval=False,
                  norm_cfg=norm_cfg, init_cfg=None),
    neck=dict(in_channels=[64, 128, 256, 512], out_channels=64,
              norm_cfg=norm_cfg),
    bbox_head=dict(
        num_classes=6,
        in_channels=64,
        feat_channels=64,
        stacked_convs=2,
        anchor_generator=dict(octave_base_scale=2)))

train_pipeline, test_pipeline = _base_.train_pipeline, _base_.test_pipeline
train_pipeline[2].scale = test_pipeline[1].scale = (160, 160)
# One loader worker per run: a sweep runs several trainings side by side and
# 160 px JPEG decoding is cheap next to the model.
train_dataloader = dict(batch_size=4, num_workers=1,
                        dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(batch_size=8, num_workers=1,
                      dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader

# The short schedule: warm-up over the first 10%, cosine to 5% of the peak
# lr, one validation at the end (each costs a pass over the 200 val images),
# a checkpoint half-way so that an interrupted run loses at most half.
max_iters = 250
val_interval = max_iters
warmup_iters = 25
train_cfg = dict(max_iters=max_iters, val_interval=val_interval)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=warmup_iters),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=warmup_iters,
         end=max_iters, T_max=max_iters - warmup_iters, eta_min_ratio=0.05)
]
default_hooks = dict(
    checkpoint=dict(by_epoch=False, interval=125, max_keep_ckpts=1),
    logger=dict(interval=25))
