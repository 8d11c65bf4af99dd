# SSD300, VGG16, COCO 2017.
# Reproduces the MMDetection model zoo's ssd300_coco:
#   reference: 25.5 box AP on val2017 (8 GPUs x 8 images).
# SSD has no FPN and sees only 300x300 px, so it leans on heavy augmentation
# and a long schedule: 24 epochs of a 5x-repeated train2017 = 120 epochs.
_base_ = [
    '../_base_/models/ssd300.py',
    '../_base_/datasets/coco_detection.py',
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
            checkpoint='checkpoints/vgg16_caffe-292e1171.pth')))

input_size = 300
backend_args = None
# The SSD paper's "data augmentation" section, in order:
train_pipeline = [
    dict(type='LoadImageOrSkip', backend_args=backend_args),
    dict(type='LoadAnnotations', with_bbox=True),
    # Zoom out: paste the image on a canvas up to 4x its size filled with the
    # mean colour (RGB mean, converted to the loader's BGR by to_rgb), which
    # creates the small objects that a fixed-size input otherwise rarely shows.
    dict(type='Expand', mean=[123.675, 116.28, 103.53], to_rgb=True,
         ratio_range=(1, 4)),
    # Zoom in: a random crop whose overlap with some object is at least one
    # of these IoUs (or any crop), so large objects are seen in part.
    dict(type='MinIoURandomCrop', min_ious=(0.1, 0.3, 0.5, 0.7, 0.9),
         min_crop_size=0.3),
    # Square warp, not keep_ratio: the default boxes are laid out on a fixed
    # 300x300 grid.
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
    # 8 images per GPU x 8 GPUs = 64, the zoo's batch.
    batch_size=8,
    num_workers=2,
    # Every image is warped to 300x300, so grouping by aspect ratio is moot.
    batch_sampler=None,
    dataset=dict(
        _delete_=True,
        # x5 so that the 24-epoch (2x) schedule covers 120 passes over the
        # data while keeping the per-epoch validation cadence sensible.
        type='RepeatDataset',
        times=5,
        dataset=dict(
            type={{_base_.dataset_type}},
            data_root={{_base_.data_root}},
            ann_file='annotations/instances_train2017.json',
            data_prefix=dict(img='train2017/'),
            filter_cfg=dict(filter_empty_gt=True, min_size=32),
            pipeline=train_pipeline,
            backend_args=backend_args)))
val_dataloader = dict(batch_size=8, dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader

# The zoo's SSD optimiser, close to the original Caffe SSD (lr 1e-3 for a
# 32-image batch, weight decay 5e-4): lr 2e-3 for 64 images, wd 5e-4. The
# 2x schedule's 500-iteration warm-up and steps at epochs 16 and 22 stay.
optim_wrapper = dict(optimizer=dict(lr=2e-3, momentum=0.9, weight_decay=5e-4))
# lr 2e-3 belongs to a 64-image batch (8 GPUs x 8).
auto_scale_lr = dict(base_batch_size=64)
