# RefineDet320 on the embedded shapes dataset, from a random init, on a CPU.
# The architecture is the paper's (VGG16, ARM + TCB + ODM, 6,375 anchors at
# 320x320); the training recipe is the embedded SSD's (configs/ssd300.py):
# input normalised by the ImageNet std as well as the mean, because a random
# VGG trains far better on unit-scale input than on the paper's 0-255
# mean-subtracted pixels, and AdamW for 400 iterations
# (schedules/cpu_adamw_short.py). Images are warped to 320x320 without
# keeping the ratio, as in the paper: the anchors are laid out for that grid.
_base_ = [
    '_base_/models/refinedet320.py',
    '_base_/datasets/shapes_square.py',
    '_base_/schedules/cpu_adamw_short.py',
    '_base_/default_runtime.py',
]
# The forward pass in bf16 where the CPU (or GPU) has it natively, fp32
# elsewhere: about twice the steps per minute on a CPU with AVX512-BF16
# (custom_modules/engine/bf16_autocast_optim_wrapper.py, docs/train_speed.md).
optim_wrapper = dict(type='BF16AutocastOptimWrapper')
# Iteration-based checkpoints: every validation is a resume point.
default_hooks = dict(checkpoint=dict(by_epoch=False, interval=100))
input_size = 320
# Batch norm after every convolution of the VGG trunk, conv6 and the TCBs:
# a plain VGG16 from a random init spends its first ~200 iterations near
# 0 AP (docs/benchmark_notes.md). SSD's embedded configs carry the same
# change, so the two detectors are compared on equal terms.
model = dict(
    data_preprocessor=dict(std=[58.395, 57.12, 57.375]),
    backbone=dict(norm_cfg=dict(type='BN')),
    neck=dict(norm_cfg=dict(type='BN')),
    bbox_head=dict(num_classes=6))
# Warped to 320x320 (_base_/datasets/shapes_square.py warps to 300).
train_pipeline, test_pipeline = _base_.train_pipeline, _base_.test_pipeline
train_pipeline[2].scale = test_pipeline[1].scale = (input_size, input_size)
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
