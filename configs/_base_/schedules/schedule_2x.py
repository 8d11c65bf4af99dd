# The "2x" schedule: the 1x schedule (schedule_1x.py) stretched to 24 epochs,
# the learning rate divided by 10 after epochs 16 and 22.
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=24, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=0.0001))

param_scheduler = [
    # 500-iteration linear warm-up, as in schedule_1x.py.
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
         end=500),
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=24,
         milestones=[16, 22], gamma=0.1)
]

# lr 0.02 belongs to a 16-image batch; see schedule_1x.py for auto scaling.
auto_scale_lr = dict(enable=False, base_batch_size=16)
