# Cascade R-CNN (IoU 0.5/0.6/0.7) on a ResNet-18 FPN at 192 px: the light
# twin of configs/cascade_rcnn_r50_fpn.py, trained exactly as
# configs/ablations/faster_rcnn_r18_fpn_192.py (which says what is light and
# why), so that the Cascade-vs-Faster study compares RoI heads only: each
# stage's head has Faster's light head's 256-wide fc layers and samples
# Faster's 128 RoIs per image.
_base_ = '../cascade_rcnn_r50_fpn.py'
model = dict(
    data_preprocessor=dict(batch_augments=[
        dict(type='ProgressiveResize', schedule=((0.5, 128), (0.8, 160)))]),
    backbone=dict(depth=18),
    neck=dict(in_channels=[64, 128, 256, 512]),
    roi_head=dict(bbox_head=[dict(head, fc_out_channels=256)
                             for head in _base_.cascade_bbox_heads]),
    train_cfg=dict(rcnn=[dict(stage, sampler=dict(stage.sampler, num=128))
                         for stage in _base_.model.train_cfg.rcnn]),
    test_cfg=dict(rpn=dict(max_per_img=300)))
train_pipeline, test_pipeline = _base_.train_pipeline, _base_.test_pipeline
train_pipeline[2].scale = test_pipeline[1].scale = (192, 192)
train_dataloader = dict(batch_size=4, dataset=dict(pipeline=train_pipeline))
val_dataloader = test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
optim_wrapper = dict(optimizer=dict(fused=True))
# Faster R-CNN's light twin's schedule.
max_iters = 2400
val_interval = max_iters // 12
warmup_iters = max_iters // 25
train_cfg = dict(max_iters=max_iters, val_interval=val_interval)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=warmup_iters),
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=max_iters,
         milestones=[max_iters * 8 // 12, max_iters * 11 // 12], gamma=0.1)
]
default_hooks = dict(checkpoint=dict(interval=val_interval, max_keep_ckpts=1))
