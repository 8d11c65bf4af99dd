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
_base_ = ['../_base_/models/refinedet512.py', '../_base_/datasets/coco_ssd.py',
          '../_base_/default_runtime.py', '../_base_/tta/refinedet320_tta.py',
          '../_base_/imagenet_weights.py']
model = dict(
    # The SSD authors' VGG16 with fc6/fc7 reduced to 1024-channel
    # convolutions, from checkpoints/ (_base_/imagenet_weights.py).
    backbone=dict(init_cfg=_base_.vgg16_caffe_imagenet),
    bbox_head=dict(num_classes=80))
# SSD's augmentation, as RefineDet uses it
# (_base_/datasets/ssd_augmentation.py), warped to 512x512.
input_size = 512
train_pipeline, test_pipeline = _base_.train_pipeline, _base_.test_pipeline
train_pipeline[4].scale = test_pipeline[1].scale = (input_size, input_size)
train_dataloader = dict(
    # 8 images per GPU x 4 GPUs = the paper's batch of 32.
    batch_size=8,
    num_workers=4,
    # An iteration-based schedule, as the paper counts iterations.
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(pipeline=train_pipeline))
val_dataloader = test_dataloader = dict(
    batch_size=8, dataset=dict(pipeline=test_pipeline))

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

# RefineDet512+: the multi-scale + flip test of _base_/tta/refinedet320_tta.py
# at sizes shifted up with the input. Use: `python tools/test.py CONFIG CKPT
# --tta`.
tta_scales = [384, 512, 640, 768]
tta_pipeline = _base_.tta_pipeline
tta_pipeline[1].transforms[0] = [
    dict(type='Resize', scale=(s, s), keep_ratio=False) for s in tta_scales]
