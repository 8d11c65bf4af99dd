# SSD300, VGG16, Pascal VOC 07+12.
# Reproduces the MMDetection model zoo's ssd300_voc0712:
#   reference: 76.5 mAP (VOC2007 test, IoU 0.5, 11-point), per the zoo's
#   configs/pascal_voc/README.md. The SSD paper reports 77.2 for SSD300
#   with the same zoom-out augmentation ("SSD300*", 07+12).
_base_ = ['../_base_/models/ssd300.py', '../_base_/datasets/voc0712_ssd.py',
          '../_base_/schedules/schedule_2x.py',
          '../_base_/default_runtime.py', '../_base_/imagenet_weights.py']
model = dict(
    # The SSD authors' VGG16 from checkpoints/ (_base_/imagenet_weights.py).
    backbone=dict(init_cfg=_base_.vgg16_caffe_imagenet),
    bbox_head=dict(
        # The 20 VOC classes (VOCDataset's METAINFO order).
        num_classes=20,
        # The paper's VOC scales: default boxes from 0.2 to 0.9 of the input
        # (COCO, with more small objects, starts at 0.15).
        anchor_generator=dict(basesize_ratio_range=(0.2, 0.9))))
# SSD's augmentation (_base_/datasets/ssd_augmentation.py).
train_dataloader = dict(
    # 8 images per GPU x 8 GPUs = 64, the zoo's batch.
    batch_size=8,
    num_workers=3,
    # RepeatDataset of voc0712.py, x10 instead of x3: 24 epochs (2x) of
    # the 10x-repeated set = 240 passes over 07+12, ~62k iterations of 64
    # images, close to the original SSD's 120k iterations of 32 (the
    # zoo's README calls this schedule "120e").
    dataset=dict(times=10))

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
