# COCO 2017 detection (boxes only): train on train2017 (118,287 images),
# evaluate on val2017 (5,000 images) with the COCO box AP (CocoMetric).
#
# This machine does not download anything; put the data here yourself:
#
#   data/coco/                       (or: ln -s /datasets/coco data/coco)
#   |-- annotations/
#   |   |-- instances_train2017.json
#   |   `-- instances_val2017.json
#   |-- train2017/                   000000000009.jpg ...
#   `-- val2017/                     000000000139.jpg ...
#
# Download from https://cocodataset.org/#download, i.e.
#   http://images.cocodataset.org/zips/train2017.zip
#   http://images.cocodataset.org/zips/val2017.zip
#   http://images.cocodataset.org/annotations/annotations_trainval2017.zip
# and unzip all three inside data/coco/.
dataset_type = 'CocoDataset'
data_root = 'data/coco/'
backend_args = None

# The standard single-scale recipe: the short side resized to 800 px unless the
# long side would pass 1333 px, then a horizontal flip. No multi-scale
# training, no test-time augmentation: this is what the model zoo's "1x"
# numbers are measured with.
train_pipeline = [
    dict(type='LoadImageOrSkip', backend_args=backend_args),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Resize', scale=(1333, 800), keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile', backend_args=backend_args),
    dict(type='Resize', scale=(1333, 800), keep_ratio=True),
    # Loaded after Resize so that the ground truth stays in original-image
    # coordinates, where CocoMetric compares it with the rescaled predictions.
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                    'scale_factor'))
]
# 2 images per GPU: the zoo's 16-image batch is 8 GPUs x 2.
train_dataloader = dict(
    batch_size=2,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    # Groups landscape and portrait images into separate batches so that
    # padding to the batch's largest image wastes little memory.
    batch_sampler=dict(type='AspectRatioBatchSampler'),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/instances_train2017.json',
        data_prefix=dict(img='train2017/'),
        # ~1k train2017 images have no annotation: they carry no training
        # signal for these detectors, so they are skipped, as in the zoo.
        filter_cfg=dict(filter_empty_gt=True, min_size=32),
        pipeline=train_pipeline,
        backend_args=backend_args))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/instances_val2017.json',
        data_prefix=dict(img='val2017/'),
        test_mode=True,
        pipeline=test_pipeline,
        backend_args=backend_args))
test_dataloader = val_dataloader

val_evaluator = dict(
    type='CocoMetric',
    ann_file=data_root + 'annotations/instances_val2017.json',
    metric='bbox',
    format_only=False,
    backend_args=backend_args)
test_evaluator = val_evaluator
