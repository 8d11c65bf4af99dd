# The ImageNet weights the published recipes (configs/coco/, configs/voc/)
# start from. This machine is offline, so nothing is downloaded: put each
# file a recipe needs under checkpoints/ at the repo root. tools/train.py
# names the missing file if it is not there.
#
#   checkpoints/resnet50-0676ba61.pth     torchvision's ImageNet ResNet-50,
#       https://download.pytorch.org/models/resnet50-0676ba61.pth
#       (the file mmdet's 'torchvision://resnet50' resolves to)
#   checkpoints/resnet101-63fe2227.pth    torchvision's ResNet-101,
#       https://download.pytorch.org/models/resnet101-63fe2227.pth
#   checkpoints/vgg16_caffe-292e1171.pth  the SSD authors' VGG16, converted
#       from Caffe with fc6/fc7 reshaped into (dilated) convolutions,
#       https://download.openmmlab.com/pretrain/third_party/
#       vgg16_caffe-292e1171.pth
#       (the file mmdet's 'open-mmlab://vgg16_caffe' resolves to)
#
# A recipe lists this file in its _base_ and names one:
#   model = dict(backbone=dict(init_cfg=_base_.resnet50_imagenet))
resnet50_imagenet = dict(
    _delete_=True, type='Pretrained',
    checkpoint='checkpoints/resnet50-0676ba61.pth')
resnet101_imagenet = dict(
    _delete_=True, type='Pretrained',
    checkpoint='checkpoints/resnet101-63fe2227.pth')
vgg16_caffe_imagenet = dict(
    _delete_=True, type='Pretrained',
    checkpoint='checkpoints/vgg16_caffe-292e1171.pth')
