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
train_pipeline, test_pipeline = _base_.train_pipeline, _base_.test_pipeline
train_pipeline[4].scale = test_pipeline[1].scale = (input_size, input_size)
train_dataloader = _base_.train_dataloader
for _voc in train_dataloader.dataset.datasets:
    _voc.pipeline = train_pipeline
del _voc  # a loop variable, not a setting
val_dataloader = test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
# RefineDet512+: the sizes of the 320 recipe's TTA, shifted up with the input.
tta_scales = [384, 512, 640, 768]
tta_pipeline = _base_.tta_pipeline
tta_pipeline[1].transforms[0] = [
    dict(type='Resize', scale=(s, s), keep_ratio=False) for s in tta_scales]
