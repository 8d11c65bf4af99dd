# RefineDet320, VGG16, Pascal VOC 07+12.
# The paper's recipe (Zhang et al., "Single-Shot Refinement Neural Network for
# Object Detection", CVPR 2018):
#   reference: 80.0 mAP on VOC2007 test (IoU 0.5, 11-point), RefineDet320
#   trained on VOC2007 + VOC2012 trainval, single-scale test.
# Batch 32 (4 GPUs x 8 images), SGD momentum 0.9, weight decay 5e-4, lr 1e-3
# for 80k iterations then 1e-4 and 1e-5 for 20k each (120k in all), SSD's
# data augmentation, VGG16 initialised from ImageNet and every new layer with
# Xavier. "RefineDet320+" (multi-scale testing) is the tta_model /
# tta_pipeline pair of _base_/tta/refinedet320_tta.py.
_base_ = ['../_base_/models/refinedet320.py',
          '../_base_/datasets/voc0712_ssd.py', '../_base_/default_runtime.py',
          '../_base_/tta/refinedet320_tta.py', '../_base_/imagenet_weights.py']
model = dict(
    # The SSD authors' VGG16 (fc6/fc7 already sub-sampled to 1024-channel
    # convolutions: the "VGG_ILSVRC_16_layers_fc_reduced" RefineDet starts
    # from) from checkpoints/ (_base_/imagenet_weights.py). RefineDetVGG
    # keeps SSDVGG's layer names, so the file loads as is.
    backbone=dict(init_cfg=_base_.vgg16_caffe_imagenet),
    # The 20 VOC classes (VOCDataset's METAINFO order).
    bbox_head=dict(num_classes=20))
# SSD's augmentation, which RefineDet adopts unchanged
# (_base_/datasets/ssd_augmentation.py), warped to 320x320.
input_size = 320
train_pipeline, test_pipeline = _base_.train_pipeline, _base_.test_pipeline
train_pipeline[4].scale = test_pipeline[1].scale = (input_size, input_size)
train_dataloader = dict(
    # 8 images per GPU x 4 GPUs = the paper's batch of 32.
    batch_size=8,
    num_workers=4,
    # An iteration-based schedule, as the paper counts iterations.
    sampler=dict(type='InfiniteSampler', shuffle=True),
    # 07+12 without voc0712.py's x3 repeat, which only an epoch-based
    # schedule needs.
    dataset=dict(_delete_=True, **_base_.train_dataloader.dataset.dataset))
for _voc in train_dataloader['dataset']['datasets']:
    _voc.pipeline = train_pipeline
del _voc  # a loop variable, not a setting
val_dataloader = test_dataloader = dict(dataset=dict(pipeline=test_pipeline))

# The paper's schedule: 120k iterations of 32 images.
train_cfg = dict(type='IterBasedTrainLoop', max_iters=120000,
                 val_interval=10000)
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
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=120000,
         milestones=[80000, 100000], gamma=0.1)
]
default_hooks = dict(
    checkpoint=dict(type='AtomicCheckpointHook', by_epoch=False, interval=10000,
                    max_keep_ckpts=3))
log_processor = dict(by_epoch=False)
# lr 1e-3 belongs to a 32-image batch (4 GPUs x 8).
auto_scale_lr = dict(enable=False, base_batch_size=32)
