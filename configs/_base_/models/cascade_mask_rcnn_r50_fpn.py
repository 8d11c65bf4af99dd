# Cascade Mask R-CNN: Cascade R-CNN (IoU 0.5/0.6/0.7) with a Mask R-CNN mask
# head on every stage; at test time the masks of the last stage's boxes are
# averaged over the three mask heads.
_base_ = './cascade_rcnn_r50_fpn.py'
model = dict(
    type='CascadeRCNN',
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
    test_cfg=dict(rcnn=dict(mask_thr_binary=0.5)))
