# Cascade R-CNN R50-FPN (IoU 0.5/0.6/0.7) on the embedded shapes dataset, from
# a random init, on a CPU: the Faster R-CNN CPU recipe with three 512-wide
# stages. The high-IoU stages are what the dataset's pixel-exact boxes reward
# (AP75).
_base_ = [
    '_base_/models/cascade_rcnn_r50_fpn.py',
    '_base_/datasets/shapes_detection.py',
    '_base_/schedules/cpu_adamw_short.py',
    '_base_/default_runtime.py',
]
# Iteration-based checkpoints: every validation is a resume point.
default_hooks = dict(checkpoint=dict(by_epoch=False, interval=100))
norm_cfg = dict(type='BN', requires_grad=True)
# mmengine replaces lists instead of merging them, so the three stages are
# restated in full: only the target stds differ (0.1/0.2 -> 0.05/0.1 ->
# 0.033/0.067), because later stages regress smaller residuals.
stage_common = dict(
    type='Shared2FCBBoxHead',
    in_channels=128,
    fc_out_channels=512,
    roi_feat_size=7,
    num_classes=6,
    reg_class_agnostic=True,
    loss_cls=dict(type='CrossEntropyLoss', use_sigmoid=False,
                  loss_weight=1.0),
    loss_bbox=dict(type='SmoothL1Loss', beta=1.0, loss_weight=1.0))
cascade_bbox_heads = [
    dict(stage_common, bbox_coder=dict(
        type='DeltaXYWHBBoxCoder', target_means=[0., 0., 0., 0.],
        target_stds=stds))
    for stds in ([0.1, 0.1, 0.2, 0.2], [0.05, 0.05, 0.1, 0.1],
                 [0.033, 0.033, 0.067, 0.067])
]
model = dict(
    backbone=dict(frozen_stages=-1, norm_eval=False, norm_cfg=norm_cfg),
    neck=dict(out_channels=128, norm_cfg=norm_cfg),
    rpn_head=dict(
        in_channels=128,
        feat_channels=128,
        anchor_generator=dict(scales=[4])),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=128),
        bbox_head=cascade_bbox_heads),
    # Anchors may cross the border (-1), as benchmarked; mmdet's cascade
    # base ignores them (0).
    train_cfg=dict(rpn=dict(allowed_border=-1)))
