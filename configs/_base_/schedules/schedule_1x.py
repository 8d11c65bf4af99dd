# The "1x" schedule of Detectron and the MMDetection model zoo: 12 epochs of
# COCO at a 16-image batch (8 GPUs x 2), SGD with momentum, the learning rate
# divided by 10 after epochs 8 and 11.
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=12, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=0.0001))

param_scheduler = [
    # Linear warm-up over the first 500 iterations from 0.1% of the lr: the
    # randomly initialised heads produce large gradients at first, and the
    # full lr of 0.02 on them can diverge before they settle.
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
         end=500),
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=12,
         milestones=[8, 11], gamma=0.1)
]

# lr 0.02 belongs to a 16-image batch. On fewer GPUs, keep the recipe and add
# `--cfg-options auto_scale_lr.enable=True`: mmengine then scales the lr by
# (GPUs x images per GPU) / 16, the linear scaling rule.
auto_scale_lr = dict(enable=False, base_batch_size=16)
