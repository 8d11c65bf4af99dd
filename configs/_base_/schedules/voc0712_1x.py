# The zoo's VOC schedule for the R-CNN family and RetinaNet: 4 epochs of the
# 3x-repeated 07+12 set (datasets/voc0712.py), i.e. 12 passes over the data
# like "1x", SGD lr 0.01 divided by 10 after epoch 3 (pass 9), and no
# warm-up (mmdet 3.3's configs/pascal_voc/*_1x_voc0712.py).
_base_ = './schedule_1x.py'
train_cfg = dict(max_epochs=4)
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, begin=0, end=4, milestones=[3],
         gamma=0.1)
]
optim_wrapper = dict(optimizer=dict(lr=0.01))
