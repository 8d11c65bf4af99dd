# SSD512 on the embedded shapes dataset, from a random init, on a CPU:
# configs/ssd300.py (the embedded recipe: BN in the VGG, AdamW, unit-scale
# input) with the SSD512 network (24,564 default boxes), images warped to
# 512x512.
_base_ = ['./ssd300.py', '_base_/models/ssd512.py']
input_size = 512
model = _base_.ssd512_from_ssd300
train_pipeline, test_pipeline = _base_.train_pipeline, _base_.test_pipeline
train_pipeline[2].scale = test_pipeline[1].scale = (input_size, input_size)
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
# Iteration-based checkpoints, twice per validation: on a 2-core CPU, 100
# iterations of this model are long (docs/benchmarks.md has the minutes)
# and an interruption would otherwise lose them.
default_hooks = dict(checkpoint=dict(interval=50))
# NHWC weights and activations (ChannelsLastHook, as in the demo config):
# oneDNN computes convolutions in NHWC, so NCHW costs a reorder around every
# one. The 512 px configs are the zoo's longest runs, so they take the
# speed-up; it changes the layout, not the numbers
# (tests/engine/test_channels_last_hook.py). `custom_hooks.1.enabled=False`
# gives the NCHW run.
custom_hooks = [dict(type='MetricsRecorderHook'),
                dict(type='ChannelsLastHook')]
