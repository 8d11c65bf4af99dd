# RefineDet512, VGG16, Pascal VOC 07+12.
# The paper's recipe (Zhang et al., CVPR 2018) at 512x512 input:
#   reference: 81.8 mAP on VOC2007 test (IoU 0.5, 11-point), RefineDet512
#   trained on VOC2007 + VOC2012 trainval, single-scale test.
# Everything else is refinedet320_vgg16_voc0712.py: batch 32, SGD momentum
# 0.9, weight decay 5e-4, lr 1e-3 for 80k iterations then 1e-4 and 1e-5 for
# 20k each, SSD's augmentation, ImageNet VGG16. The same network sees
# 16,320 anchors instead of 6,375, which is what helps small objects.
_base_ = './refinedet320_vgg16_voc0712.py'

input_size = 512
backend_args = None
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
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                    'scale_factor'))
]


def _voc_trainval(year):
    return dict(
        type='VOCDataset',
        data_root='data/VOCdevkit/',
        ann_file=f'VOC{year}/ImageSets/Main/trainval.txt',
        data_prefix=dict(sub_data_root=f'VOC{year}/'),
        filter_cfg=dict(filter_empty_gt=True, min_size=32),
        pipeline=train_pipeline,
        backend_args=backend_args)


train_dataloader = dict(
    dataset=dict(datasets=[_voc_trainval(2007), _voc_trainval(2012)]))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader

# RefineDet512+: the sizes of the 320 recipe's TTA, shifted up with the input.
tta_scales = [384, 512, 640, 768]
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
