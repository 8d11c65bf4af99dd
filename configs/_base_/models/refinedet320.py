# RefineDet320 (Zhang et al., "Single-Shot Refinement Neural Network for
# Object Detection", CVPR 2018), VGG16 backbone. A one-stage detector that
# predicts in two steps on four levels at strides 8/16/32/64:
#   ARM  on conv4_3 / conv5_3 (L2-normalised, scales 10 and 8), fc7, conv6_2:
#        object-vs-background + coarse offsets for 3 anchors per cell
#        (ratios 0.5/1/2, size 4 x stride = 32..256 px): 6,375 anchors at 320.
#   TCB  top-down transfer of those maps to 256 channels for the ODM.
#   ODM  classes + offsets relative to the ARM-refined anchors; anchors the
#        ARM calls background with p > 0.99 are left out.
# Both steps are trained SSD-style: IoU >= 0.5 matching plus the best anchor
# of each object, 3:1 hard negative mining, softmax CE + smooth L1, each
# normalised by its positives. Architecture only: no dataset, no schedule.
input_size = 320
model = dict(
    type='RefineDet',
    data_preprocessor=dict(
        type='DetDataPreprocessor',
        # The Caffe-converted ImageNet VGG16 was trained on mean-subtracted,
        # unscaled pixels, hence std 1.
        mean=[123.675, 116.28, 103.53],
        std=[1, 1, 1],
        bgr_to_rgb=True,
        pad_size_divisor=1),
    backbone=dict(
        type='RefineDetVGG',
        depth=16,
        fc6_dilation=3,
        extra_channels=(256, 512),
        l2_norm_scales=(10., 8.),
        ceil_mode=True,
        # From scratch here; the published recipes name ImageNet weights
        # (_base_/imagenet_weights.py).
        init_cfg=None),
    neck=dict(
        type='TransferConnectionBlock',
        in_channels=(512, 512, 1024, 512),
        out_channels=256),
    bbox_head=dict(
        type='RefineDetHead',
        num_classes=80,
        arm=dict(
            type='AnchorRefinementModule', in_channels=(512, 512, 1024, 512)),
        odm=dict(
            type='ObjectDetectionModule', in_channels=(256, 256, 256, 256)),
        anchor_generator=dict(
            type='AnchorGenerator',
            strides=[8, 16, 32, 64],
            ratios=[0.5, 1.0, 2.0],
            # base size = stride, times 4: 32, 64, 128, 256 px.
            octave_base_scale=4,
            scales_per_octave=1,
            # Centred in the cell, as SSD/RefineDet place their priors.
            center_offset=0.5),
        bbox_coder=dict(
            type='DeltaXYWHBBoxCoder',
            target_means=[.0, .0, .0, .0],
            target_stds=[0.1, 0.1, 0.2, 0.2]),
        negative_anchor_thr=0.99,
        # As the official release trains (RefineDetHead's docstring cites
        # the lines): only negatives above theta leave the ODM's mining.
        negative_anchor_filter='negatives',
        loss_arm=dict(
            type='MultiBoxLoss',
            assigner=dict(
                type='MaxIoUAssigner',
                pos_iou_thr=0.5,
                neg_iou_thr=0.5,
                min_pos_iou=0.,
                ignore_iof_thr=-1,
                gt_max_assign_all=False),
            neg_pos_ratio=3,
            smooth_l1_beta=1.,
            loss_weight=1.),
        loss_odm=dict(
            type='MultiBoxLoss',
            assigner=dict(
                type='MaxIoUAssigner',
                pos_iou_thr=0.5,
                neg_iou_thr=0.5,
                min_pos_iou=0.,
                ignore_iof_thr=-1,
                gt_max_assign_all=False),
            neg_pos_ratio=3,
            smooth_l1_beta=1.,
            loss_weight=1.)),
    # The matching rules are part of each loss above.
    train_cfg=None,
    test_cfg=dict(
        # Best 400 (anchor, class) pairs per image, then per-class NMS.
        nms_pre=400,
        score_thr=0.01,
        nms=dict(type='nms', iou_threshold=0.45),
        min_bbox_size=0,
        max_per_img=200,
        # The paper's two decodings (anchor -> ARM -> ODM). False boxes the
        # ODM's scores with the ARM-refined anchors: an ablation of the
        # second regression (docs/refinedet_cascade.md).
        odm_regression=True))
