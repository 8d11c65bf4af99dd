# RefineDet512 on the embedded shapes dataset, from a random init, on a CPU:
# configs/refinedet320.py at 512x512 (16,320 anchors on 64/32/16/8-cell
# levels). About 2.6x the compute of RefineDet320 per image.
_base_ = './refinedet320.py'
input_size = 512
train_pipeline, test_pipeline = _base_.train_pipeline, _base_.test_pipeline
train_pipeline[2].scale = test_pipeline[1].scale = (input_size, input_size)
# A checkpoint twice per validation: on a 2-core CPU, 100 iterations of
# this model are long (docs/benchmarks.md has the minutes) and an
# interruption would otherwise lose them.
default_hooks = dict(checkpoint=dict(by_epoch=False, interval=50))
# NHWC weights and activations, as configs/ssd512.py explains.
custom_hooks = [dict(type='MetricsRecorderHook'),
                dict(type='ChannelsLastHook')]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
