# SSD300, VGG16, Pascal VOC 07+12.
# Reproduces the MMDetection model zoo's ssd300_voc0712:
#   reference: 76.5 mAP (VOC2007 test, IoU 0.5, 11-point), per the zoo's
#   configs/pascal_voc/README.md. The SSD paper reports 77.2 for SSD300
#   with the same zoom-out augmentation ("SSD300*", 07+12).
_base_ = [
    '../_base_/models/ssd300.py',
    '../_base_/datasets/voc0712.py',
    '../_base_/schedules/schedule_2x.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(
        # The VGG16 of the SSD authors: ImageNet weights converted from Caffe
        # with fc6/fc7 reshaped into (dilated) convolutions, read from disk
        # because this machine is offline. Put it at
        # checkpoints/vgg16_caffe-292e1171.pth; it comes from
        # https://download.openmmlab.com/pretrain/third_party/vgg16_caffe-292e1171.pth
        # (the file mmdet's 'open-mmlab://vgg16_caffe' resolves to).
        init_cfg=dict(
            _delete_=True, type='Pretrained',
            checkpoint='checkpoints/vgg16_caffe-292e1171.pth')),
    bbox_head=dict(
        # The 20 VOC classes (VOCDataset's METAINFO order).
        num_classes=20,
        # The paper's VOC scales: default boxes from 0.2 to 0.9 of the input
        # (COCO, with more small objects, starts at 0.15).
        anchor_generator=dict(basesize_ratio_range=(0.2, 0.9))))

input_size = 300
backend_args = None
# The SSD paper's augmentation; see configs/coco/ssd300_coco.py for what each
# step is for.
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
    # Unlike voc0712.py's R-CNN setting, objects under 32 px are not flagged
    # as ignored (no bbox_min_size), as in the zoo's SSD recipes: the zoom-in
    # crops (MinIoURandomCrop) enlarge them to a learnable size.
    return dict(
        type='VOCDataset',
        data_root='data/VOCdevkit/',
        ann_file=f'VOC{year}/ImageSets/Main/trainval.txt',
        data_prefix=dict(sub_data_root=f'VOC{year}/'),
        filter_cfg=dict(filter_empty_gt=True, min_size=32),
        pipeline=train_pipeline,
        backend_args=backend_args)


train_dataloader = dict(
    # 8 images per GPU x 8 GPUs = 64, the zoo's batch.
    batch_size=8,
    num_workers=3,
    # Every image is warped to 300x300, so grouping by aspect ratio is moot.
    batch_sampler=None,
    dataset=dict(
        # RepeatDataset of voc0712.py, x10 instead of x3: 24 epochs (2x) of
        # the 10x-repeated set = 240 passes over 07+12, ~62k iterations of 64
        # images, close to the original SSD's 120k iterations of 32 (the
        # zoo's README calls this schedule "120e").
        times=10,
        dataset=dict(datasets=[_voc_trainval(2007), _voc_trainval(2012)])))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader

# The zoo's SSD-on-VOC optimiser: lr 1e-3 for a 64-image batch, weight decay
# 5e-4 as in the original Caffe SSD; 500-iteration warm-up (schedule_2x.py),
# lr divided by 10 after epochs 16 and 20.
optim_wrapper = dict(optimizer=dict(lr=1e-3, momentum=0.9, weight_decay=5e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
         end=500),
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=24,
         milestones=[16, 20], gamma=0.1)
]
# lr 1e-3 belongs to a 64-image batch (8 GPUs x 8).
auto_scale_lr = dict(base_batch_size=64)
