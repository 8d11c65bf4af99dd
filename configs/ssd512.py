# SSD512 on the embedded shapes dataset, from a random init, on a CPU. The
# architecture is the paper's (VGG16, 24,564 default boxes, 3:1 hard negative
# mining); for training from scratch the input is normalised by the ImageNet
# std as well as the mean (the paper's VGG was trained on mean-subtracted
# 0-255 input, a random one trains far better on unit-scale input), and the
# optimiser is AdamW (schedules/cpu_adamw_short.py). Images are resized to
# 512x512 without keeping the ratio, as in the paper.
_base_ = [
    '_base_/models/ssd512.py',
    '_base_/datasets/shapes_detection.py',
    '_base_/schedules/cpu_adamw_short.py',
    '_base_/default_runtime.py',
]
# The forward pass in bf16 where the CPU (or GPU) has it natively, fp32
# elsewhere: about twice the steps per minute on a CPU with AVX512-BF16
# (custom_modules/engine/bf16_autocast_optim_wrapper.py, docs/train_speed.md).
optim_wrapper = dict(type='BF16AutocastOptimWrapper')
# Iteration-based checkpoints, twice per validation: on a 2-core CPU, 100
# iterations are about an hour (docs/benchmarks.md) that an interruption
# would otherwise lose.
default_hooks = dict(checkpoint=dict(by_epoch=False, interval=50))
# NHWC weights and activations (ChannelsLastHook, as in the demo config):
# oneDNN computes convolutions in NHWC, so NCHW costs a reorder around every
# one. The 512 px configs are the zoo's longest runs, so they take the
# speed-up; it changes the layout, not the numbers
# (tests/engine/test_channels_last_hook.py). `custom_hooks.1.enabled=False`
# gives the NCHW run.
custom_hooks = [dict(type='MetricsRecorderHook'),
                dict(type='ChannelsLastHook')]
input_size = 512
# Batch norm after every convolution of the VGG trunk and of the extra
# layers: a plain VGG16 from a random init spends its first ~200 iterations
# near 0 AP (docs/benchmark_notes.md). RefineDet's embedded configs carry the
# same change, so the two detectors are compared on equal terms.
model = dict(
    data_preprocessor=dict(std=[58.395, 57.12, 57.375]),
    backbone=dict(type='NormSSDVGG', norm_cfg=dict(type='BN')),
    neck=dict(norm_cfg=dict(type='BN')),
    bbox_head=dict(num_classes=6))
train_pipeline = [
    dict(type='LoadImageOrSkip'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Resize', scale=(input_size, input_size), keep_ratio=False),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(input_size, input_size), keep_ratio=False),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                    'scale_factor'))
]
train_dataloader = dict(
    batch_sampler=None, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
