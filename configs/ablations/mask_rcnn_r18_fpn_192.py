# Mask R-CNN on a ResNet-18 FPN at 192 px: the light twin of
# configs/mask_rcnn_r50_fpn.py. It is written the way the paper puts it:
# Faster R-CNN (here its light twin, configs/ablations/faster_rcnn_r18_fpn_192.py,
# which says what is light and why) plus a mask branch beside the box head.
# Everything Faster's twin trains (trunk, RPN, box head, sampler, schedule,
# sizes) is inherited unchanged, so the pair also measures what the mask
# task does to box AP (He et al., Mask R-CNN, ICCV 2017, Table 3: Faster
# R-CNN with RoIAlign 37.3 against Mask R-CNN 38.2 box AP, ResNet-101-FPN,
# COCO test-dev, a gain the paper puts down to multi-task training).
#
# The branch: RoIAlign to 14x14 on the positive RoIs only, four 3x3 convs,
# a 2x deconvolution, and one 28x28 sigmoid mask per class, of which only
# the box branch's class is trained and kept (so classes never compete per
# pixel). It is 128 channels wide, as in configs/mask_rcnn_r50_fpn.py.
_base_ = './faster_rcnn_r18_fpn_192.py'
model = dict(
    type='MaskRCNN',
    # masks are padded with the images, to the same stride-32 canvas
    data_preprocessor=dict(pad_mask=True),
    roi_head=dict(
        mask_roi_extractor=dict(
            type='SingleRoIExtractor',
            roi_layer=dict(type='RoIAlign', output_size=14, sampling_ratio=0),
            out_channels=128,
            featmap_strides=[4, 8, 16, 32]),
        mask_head=dict(
            type='FCNMaskHead',
            num_convs=4,
            in_channels=128,
            conv_out_channels=128,
            num_classes=6,
            loss_mask=dict(type='CrossEntropyLoss', use_mask=True,
                           loss_weight=1.0))),
    train_cfg=dict(rcnn=dict(mask_size=28)),
    test_cfg=dict(rcnn=dict(mask_thr_binary=0.5)))
# The same loaders, now also reading the polygons (LoadAnnotations is the
# second step of the training pipeline and the third of the test pipeline).
train_pipeline, test_pipeline = _base_.train_pipeline, _base_.test_pipeline
train_pipeline[1].with_mask = test_pipeline[2].with_mask = True
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
val_evaluator = test_evaluator = dict(metric=['bbox', 'segm'])
