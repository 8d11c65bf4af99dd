# SSD300, VGG16, COCO 2017.
# Reproduces the MMDetection model zoo's ssd300_coco:
#   reference: 25.5 box AP on val2017 (8 GPUs x 8 images).
# SSD has no FPN and sees only 300x300 px, so it leans on heavy augmentation
# and a long schedule: 24 epochs of a 5x-repeated train2017 = 120 epochs.
_base_ = ['../_base_/models/ssd300.py', '../_base_/datasets/coco_ssd.py',
          '../_base_/schedules/schedule_2x.py',
          '../_base_/default_runtime.py', '../_base_/imagenet_weights.py']
# The SSD authors' VGG16 from checkpoints/ (_base_/imagenet_weights.py).
model = dict(backbone=dict(init_cfg=_base_.vgg16_caffe_imagenet))
# The augmentation is SSD's own (_base_/datasets/ssd_augmentation.py says
# what each step is for).
train_dataloader = dict(
    # 8 images per GPU x 8 GPUs = 64, the zoo's batch.
    batch_size=8,
    # x5 so that the 24-epoch (2x) schedule covers 120 passes over the
    # data while keeping the per-epoch validation cadence sensible.
    dataset=dict(_delete_=True, type='RepeatDataset', times=5,
                 dataset=_base_.train_dataloader.dataset))
val_dataloader = test_dataloader = dict(batch_size=8)

# The zoo's SSD optimiser, close to the original Caffe SSD (lr 1e-3 for a
# 32-image batch, weight decay 5e-4): lr 2e-3 for 64 images, wd 5e-4. The
# 2x schedule's 500-iteration warm-up and steps at epochs 16 and 22 stay.
optim_wrapper = dict(optimizer=dict(lr=2e-3, momentum=0.9, weight_decay=5e-4))
# lr 2e-3 belongs to a 64-image batch (8 GPUs x 8).
auto_scale_lr = dict(base_batch_size=64)
