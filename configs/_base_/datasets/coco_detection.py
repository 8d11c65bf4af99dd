# COCO 2017 detection (boxes only): train on train2017 (118,287 images),
# evaluate on val2017 (5,000 images) with the COCO box AP (CocoMetric).
#
# This machine does not download anything; put the data here yourself:
#
#   data/coco/                       (or: ln -s /datasets/coco data/coco)
#   |-- annotations/
#   |   |-- instances_train2017.json
#   |   `-- instances_val2017.json
#   |-- train2017/                   000000000009.jpg ...
#   `-- val2017/                     000000000139.jpg ...
#
# Download from https://cocodataset.org/#download, i.e.
#   http://images.cocodataset.org/zips/train2017.zip
#   http://images.cocodataset.org/zips/val2017.zip
#   http://images.cocodataset.org/annotations/annotations_trainval2017.zip
# and unzip all three inside data/coco/.
#
# The data settings are mmdet's own (mmdet 3.3's
# configs/_base_/datasets/coco_detection.py), inherited rather than copied:
# short side 800 px unless the long side would pass 1333 px, a horizontal
# flip, 2 images per GPU (the zoo's 16-image batch is 8 GPUs x 2), images
# without annotations skipped, CocoMetric box AP. The one change:
_base_ = 'mmdet::_base_/datasets/coco_detection.py'
# an unreadable training image is skipped with a warning naming the file
# instead of ending the run (LoadImageOrSkip, docs/reliability.md).
train_pipeline = _base_.train_pipeline
train_pipeline[0].type = 'LoadImageOrSkip'
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
