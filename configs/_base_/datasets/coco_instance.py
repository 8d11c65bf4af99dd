# COCO 2017 instance segmentation: coco_detection.py plus the polygon masks,
# evaluated with both box AP and mask AP. Same files, same place:
#
#   data/coco/annotations/instances_{train,val}2017.json
#   data/coco/{train,val}2017/*.jpg
#
# (download: https://cocodataset.org/#download, see coco_detection.py).
#
# mmdet's own settings (configs/_base_/datasets/coco_instance.py), with
# coco_detection.py's one change: LoadImageOrSkip.
_base_ = 'mmdet::_base_/datasets/coco_instance.py'
train_pipeline = _base_.train_pipeline
train_pipeline[0].type = 'LoadImageOrSkip'
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
