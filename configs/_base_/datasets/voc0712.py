# Pascal VOC "07+12": train on VOC2007 trainval + VOC2012 trainval (5,011 +
# 11,540 = 16,551 images, 20 classes), test on VOC2007 test (4,952 images)
# with the VOC2007 mAP at IoU 0.5. This is the protocol of the Faster R-CNN
# and SSD papers' VOC tables.
#
# This machine does not download anything; put the data here yourself:
#
#   data/VOCdevkit/                  (or a symlink to an existing VOCdevkit)
#   |-- VOC2007/
#   |   |-- Annotations/             000001.xml ...
#   |   |-- ImageSets/Main/          trainval.txt, test.txt
#   |   `-- JPEGImages/              000001.jpg ...
#   `-- VOC2012/
#       |-- Annotations/
#       |-- ImageSets/Main/          trainval.txt
#       `-- JPEGImages/
#
# Download from http://host.robots.ox.ac.uk/pascal/VOC/, i.e.
#   http://host.robots.ox.ac.uk/pascal/VOC/voc2007/VOCtrainval_06-Nov-2007.tar
#   http://host.robots.ox.ac.uk/pascal/VOC/voc2007/VOCtest_06-Nov-2007.tar
#   http://host.robots.ox.ac.uk/pascal/VOC/voc2012/VOCtrainval_11-May-2012.tar
# and untar all three inside data/ (each tarball unpacks into VOCdevkit/).
#
# To score VOC with the COCO metric instead, convert the XML first:
#   python tools/dataset_converters/voc_to_coco.py data/VOCdevkit
dataset_type = 'VOCDataset'
data_root = 'data/VOCdevkit/'
backend_args = None

# VOC images are ~500x375, so the R-CNN-family recipes use a smaller canvas
# than COCO's 1333x800: short side 600, long side at most 1000.
train_pipeline = [
    dict(type='LoadImageOrSkip', backend_args=backend_args),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Resize', scale=(1000, 600), keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile', backend_args=backend_args),
    dict(type='Resize', scale=(1000, 600), keep_ratio=True),
    # After Resize: the ground truth stays in original-image coordinates.
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                    'scale_factor'))
]


def _voc_trainval(year):
    # One year's trainval split. Objects smaller than 32 px on a side are
    # kept but flagged as ignored (bbox_min_size), as in mmdet's recipe.
    return dict(
        type=dataset_type,
        data_root=data_root,
        ann_file=f'VOC{year}/ImageSets/Main/trainval.txt',
        data_prefix=dict(sub_data_root=f'VOC{year}/'),
        filter_cfg=dict(filter_empty_gt=True, min_size=32, bbox_min_size=32),
        pipeline=train_pipeline,
        backend_args=backend_args)


train_dataloader = dict(
    batch_size=2,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    batch_sampler=dict(type='AspectRatioBatchSampler'),
    dataset=dict(
        # Repeating the 16.5k images 3x makes one "epoch" long enough that the
        # per-epoch overhead (dataloader restart, validation) stays small; the
        # recipes count epochs of the repeated set (4 x 3 = 12 for "1x").
        type='RepeatDataset',
        times=3,
        dataset=dict(
            type='ConcatDataset',
            # Each VOCDataset records its year in metainfo['dataset_type'];
            # the two years differ there, which ConcatDataset would reject.
            ignore_keys=['dataset_type'],
            datasets=[_voc_trainval(2007), _voc_trainval(2012)])))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='VOC2007/ImageSets/Main/test.txt',
        data_prefix=dict(sub_data_root='VOC2007/'),
        test_mode=True,
        pipeline=test_pipeline,
        backend_args=backend_args))
test_dataloader = val_dataloader

# VOC2007's devkit scores AP by the 11-point interpolated precision; VOC2012
# and later use the area under the curve ('area'). The published 07+12 tables
# test on VOC2007, hence '11points' (mmdet warns if the two do not match).
val_evaluator = dict(type='VOCMetric', metric='mAP', eval_mode='11points')
test_evaluator = val_evaluator
