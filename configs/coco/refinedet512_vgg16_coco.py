# RefineDet512, VGG16, COCO 2017.
# The paper's recipe (Zhang et al., CVPR 2018):
#   reference: 33.0 box AP on COCO test-dev (RefineDet512, VGG16, trained on
#   trainval35k -- essentially today's train2017 -- single-scale test).
#   This config evaluates on val2017, which tracks test-dev closely.
# Batch 32 (4 GPUs x 8 images), SGD momentum 0.9, weight decay 5e-4, lr 1e-3
# for 280k iterations, then 1e-4 for 80k and 1e-5 for 40k (400k in all),
# SSD's data augmentation, VGG16 from ImageNet, Xavier for the new layers.
# "RefineDet512+" (multi-scale testing) is the tta_model / tta_pipeline pair
# at the bottom.
_base_ = [
    '../_base_/models/refinedet512.py',
    '../_base_/datasets/coco_detection.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(
        # The SSD authors' VGG16 with fc6/fc7 reduced to 1024-channel
        # convolutions, read from disk because this machine is offline: put
        # it at checkpoints/vgg16_caffe-292e1171.pth, downloaded from
        # https://download.openmmlab.com/pretrain/third_party/vgg16_caffe-292e1171.pth
        # (what mmdet's 'open-mmlab://vgg16_caffe' resolves to).
        init_cfg=dict(
            type='Pretrained',
            checkpoint='checkpoints/vgg16_caffe-292e1171.pth')),
    bbox_head=dict(num_classes=80))

input_size = 512
backend_args = None
# SSD's augmentation, as RefineDet uses it: zoom out on a mean-colour canvas,
# zoom in with an IoU-constrained crop, square warp, flip, photometric jitter.
train_pipeline = [
    dict(type='LoadImageOrSkip', backend_args=backend_args),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Expand', mean=[123.675, 116.28, 103.53], to_rgb=True,
         ratio_range=(1, 4)),
    dict(type='MinIoURandomCrop', min_ious=(0.1, 0.3, 0.5, 0.7, 0.9),
         min_crop_size=0.3),
    dict(type='Resize', scale=(input_size, input_size), keep_ratio=False),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion', brightness_delta=32,
         contrast_range=(0.5, 1.5), saturation_range=(0.5, 1.5),
         hue_delta=18),
    dict(type='PackDetInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile', backend_args=backend_args),
    dict(type='Resize', scale=(input_size, input_size), keep_ratio=False),
    # After Resize: the ground truth stays in original-image coordinates.
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                    'scale_factor'))
]
train_dataloader = dict(
    # 8 images per GPU x 4 GPUs = the paper's batch of 32.
    batch_size=8,
    num_workers=4,
    # An iteration-based schedule, as the paper counts iterations.
    sampler=dict(type='InfiniteSampler', shuffle=True),
    # Every image is warped to the same square: aspect grouping is moot.
    batch_sampler=None,
    dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(batch_size=8, dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader

# The paper's COCO schedule: 400k iterations of 32 images.
train_cfg = dict(type='IterBasedTrainLoop', max_iters=400000,
                 val_interval=20000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=1e-3, momentum=0.9, weight_decay=5e-4))
param_scheduler = [
    # Not in the paper: a short warm-up, as mmdet's SSD recipes use, so that
    # the randomly initialised ARM/TCB/ODM do not send large gradients into
    # the pretrained VGG in the first steps.
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
         end=500),
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=400000,
         milestones=[280000, 360000], gamma=0.1)
]
default_hooks = dict(
    checkpoint=dict(type='AtomicCheckpointHook', by_epoch=False, interval=20000,
                    max_keep_ckpts=3))
log_processor = dict(by_epoch=False)
# lr 1e-3 belongs to a 32-image batch (4 GPUs x 8).
auto_scale_lr = dict(enable=False, base_batch_size=32)

# RefineDet512+: test-time augmentation through mmdet's DetTTAModel: several
# square sizes, each plain and flipped, boxes mapped back to the original
# image and merged by per-class NMS. The sizes are DetLab's choice (the paper
# does not list them). Use: `python tools/test.py CONFIG CKPT --tta`, which swaps
# model -> tta_model and the test pipeline -> tta_pipeline.
tta_scales = [384, 512, 640, 768]
tta_model = dict(
    type='DetTTAModel',
    tta_cfg=dict(nms=dict(type='nms', iou_threshold=0.45), max_per_img=200))
tta_pipeline = [
    dict(type='LoadImageFromFile', backend_args=backend_args),
    dict(
        type='TestTimeAug',
        transforms=[
            [dict(type='Resize', scale=(s, s), keep_ratio=False)
             for s in tta_scales],
            [dict(type='RandomFlip', prob=1.),
             dict(type='RandomFlip', prob=0.)],
            [dict(type='LoadAnnotations', with_bbox=True)],
            [dict(type='PackDetInputs',
                  meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                             'scale_factor', 'flip', 'flip_direction'))],
        ])
]
