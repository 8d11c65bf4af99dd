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
_base_ = [
    '../_base_/models/refinedet320.py',
    '../_base_/datasets/voc0712.py',
    '../_base_/default_runtime.py',
    '../_base_/tta/refinedet320_tta.py',
]

model = dict(
    backbone=dict(
        # The SSD authors' VGG16: ImageNet weights converted from Caffe, fc6
        # and fc7 already sub-sampled to 1024-channel convolutions -- the
        # "VGG_ILSVRC_16_layers_fc_reduced" RefineDet starts from. Read from
        # disk because this machine is offline: put it at
        # checkpoints/vgg16_caffe-292e1171.pth, downloaded from
        # https://download.openmmlab.com/pretrain/third_party/vgg16_caffe-292e1171.pth
        # (what mmdet's 'open-mmlab://vgg16_caffe' resolves to). RefineDetVGG
        # keeps SSDVGG's layer names, so the file loads as is.
        init_cfg=dict(
            type='Pretrained',
            checkpoint='checkpoints/vgg16_caffe-292e1171.pth')),
    # The 20 VOC classes (VOCDataset's METAINFO order).
    bbox_head=dict(num_classes=20))

input_size = 320
backend_args = None
# SSD's augmentation, which RefineDet adopts unchanged: zoom out (paste on a
# canvas up to 4x larger, filled with the mean colour so it normalises to 0),
# zoom in (a crop that overlaps some object by at least a random IoU), a
# square warp to the anchors' grid, a flip and photometric jitter.
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


def _voc_trainval(year):
    # As in the SSD recipes, objects under 32 px are not flagged as ignored:
    # the zoom-in crops enlarge them to a learnable size.
    return dict(
        type='VOCDataset',
        data_root='data/VOCdevkit/',
        ann_file=f'VOC{year}/ImageSets/Main/trainval.txt',
        data_prefix=dict(sub_data_root=f'VOC{year}/'),
        filter_cfg=dict(filter_empty_gt=True, min_size=32),
        pipeline=train_pipeline,
        backend_args=backend_args)


train_dataloader = dict(
    # 8 images per GPU x 4 GPUs = the paper's batch of 32.
    batch_size=8,
    num_workers=4,
    # An iteration-based schedule, as the paper counts iterations.
    sampler=dict(type='InfiniteSampler', shuffle=True),
    # Every image is warped to the same square: aspect grouping is moot.
    batch_sampler=None,
    dataset=dict(
        _delete_=True,
        type='ConcatDataset',
        # Each VOCDataset records its year in metainfo['dataset_type'].
        ignore_keys=['dataset_type'],
        datasets=[_voc_trainval(2007), _voc_trainval(2012)]))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader

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
