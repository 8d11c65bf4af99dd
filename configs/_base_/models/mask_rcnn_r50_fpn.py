# Mask R-CNN (He et al., ICCV 2017): Faster R-CNN with FPN plus a parallel
# 4-conv FCN mask head on 14x14 RoIAlign features that predicts one 28x28
# binary mask per class; the class is chosen by the box branch, so masks do
# not compete across classes (per-pixel sigmoid, not softmax).
_base_ = './faster_rcnn_r50_fpn.py'
model = dict(
    type='MaskRCNN',
    data_preprocessor=dict(pad_mask=True),
    roi_head=dict(
        mask_roi_extractor=dict(
            type='SingleRoIExtractor',
            roi_layer=dict(type='RoIAlign', output_size=14, sampling_ratio=0),
            out_channels=256,
            featmap_strides=[4, 8, 16, 32]),
        mask_head=dict(
            type='FCNMaskHead',
            num_convs=4,
            in_channels=256,
            conv_out_channels=256,
            num_classes=80,
            loss_mask=dict(
                type='CrossEntropyLoss', use_mask=True, loss_weight=1.0))),
    train_cfg=dict(rcnn=dict(mask_size=28)),
    test_cfg=dict(rcnn=dict(mask_thr_binary=0.5)))
