# RetinaNet R50-FPN on the embedded shapes dataset, from a random init, on a
# CPU: `python tools/train.py configs/retinanet_r50_fpn.py` (what `make demo`
# runs). The architecture is the paper's (ResNet-50, FPN P3-P7, focal loss,
# prior 0.01); what changes is what lets it learn from scratch in minutes on
# 2 cores:
# - BN trains everywhere (no ImageNet statistics to freeze) and the FPN has BN
#   too, so gradients reach a randomly initialised backbone in good shape;
# - the subnets have 2 convs of 128 channels instead of 4 of 256: at this
#   input size the paper's head costs as much as the backbone and learns
#   nothing the smaller one cannot on 6 classes;
# - anchors start at 2x stride (16 px on P3) because the dataset's smallest
#   objects are 8-24 px;
# - AdamW with warm-up and cosine decay (schedules/cpu_adamw_short.py), the
#   forward pass in bf16 where the CPU has it natively (AVX512-BF16/AMX),
#   which buys more steps in the same minutes (docs/train_speed.md);
# - NHWC activations (ChannelsLastHook), faster per step again;
# - the focal loss at gamma=1, alpha=0.75 instead of the paper's 2 and 0.25:
#   the best cell of the focal-loss study (docs/ablations.md), and better
#   on this recipe too (docs/benchmark_notes.md). With 6 classes and
#   few hundred steps the easy negatives are not yet easy, and gamma=2
#   mutes them (and the positives' gradient) too early;
# - GroupNorm in both subnets (ScratchDet's head normalisation; GN, not BN,
#   because the head is shared across pyramid levels), several AP better
#   at 1800 iterations (configs/ablations/retinanet_r50_fpn_plain_head.py is
#   the plain-head A/B; its numbers are in docs/benchmark_notes.md).
_base_ = [
    '_base_/models/retinanet_r50_fpn.py',
    '_base_/datasets/shapes_detection.py',
    '_base_/schedules/cpu_adamw_short.py',
    '_base_/default_runtime.py',
]
# Iteration-based checkpoints: every validation is a resume point.
default_hooks = dict(checkpoint=dict(by_epoch=False, interval=200))
optim_wrapper = dict(type='BF16AutocastOptimWrapper')
# NHWC activations: oneDNN's (and cuDNN's) convolutions compute in that
# layout, so NCHW costs a reorder around every conv (the measured gain:
# docs/train_speed.md). Index 1 of the list, so
# `custom_hooks.1.enabled=False` gives the NCHW run.
custom_hooks = [dict(type='MetricsRecorderHook'),
                dict(type='ChannelsLastHook')]
norm_cfg = dict(type='BN', requires_grad=True)
model = dict(
    backbone=dict(frozen_stages=-1, norm_eval=False, norm_cfg=norm_cfg),
    neck=dict(out_channels=128, norm_cfg=norm_cfg),
    bbox_head=dict(
        num_classes=6,
        in_channels=128,
        feat_channels=128,
        stacked_convs=2,
        anchor_generator=dict(octave_base_scale=2),
        norm_cfg=dict(type='GN', num_groups=32, requires_grad=True),
        loss_cls=dict(gamma=1.0, alpha=0.75)))

# 192 px on the long side and 1800 iterations: a step at 192 px costs far
# less than at 256 px, and from scratch the number of steps matters more
# than the last pixels (docs/demo_recipe_probes.md, docs/benchmarks.md). The
# minutes depend on the compute path: docs/time_to_accuracy.md has them for
# bf16 (AVX512-BF16/AMX) and fp32 (AVX2-only CPUs, slower per step);
# configs/ablations/retinanet_r50_fpn_fp32_20min.py is the recipe re-planned
# for 20 fp32 minutes.
max_iters = 1800
warmup_iters = max_iters // 25
train_pipeline, test_pipeline = _base_.train_pipeline, _base_.test_pipeline
train_pipeline[2].scale = test_pipeline[1].scale = (192, 192)
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
train_cfg = dict(max_iters=max_iters, val_interval=200)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=warmup_iters),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=warmup_iters,
         end=max_iters, T_max=max_iters - warmup_iters, eta_min_ratio=0.05)
]
