# Pascal VOC "07+12": train on VOC2007 trainval + VOC2012 trainval (5,011 +
# 11,540 = 16,551 images, 20 classes), test on VOC2007 test (4,952 images)
# with the VOC2007 mAP at IoU 0.5. This is the protocol of the Faster R-CNN
# and SSD papers' VOC tables.
#
# This machine does not download anything; put the data here yourself:
#
#   data/VOCdevkit/                  (or a symlink to an existing VOCdevkit)
#   |-- VOC2007/
#   |   |-- Annotations/             000001.xml ...
#   |   |-- ImageSets/Main/          trainval.txt, test.txt
#   |   `-- JPEGImages/              000001.jpg ...
#   `-- VOC2012/
#       |-- Annotations/
#       |-- ImageSets/Main/          trainval.txt
#       `-- JPEGImages/
#
# Download from http://host.robots.ox.ac.uk/pascal/VOC/, i.e.
#   http://host.robots.ox.ac.uk/pascal/VOC/voc2007/VOCtrainval_06-Nov-2007.tar
#   http://host.robots.ox.ac.uk/pascal/VOC/voc2007/VOCtest_06-Nov-2007.tar
#   http://host.robots.ox.ac.uk/pascal/VOC/voc2012/VOCtrainval_11-May-2012.tar
# and untar all three inside data/ (each tarball unpacks into VOCdevkit/).
#
# To score VOC with the COCO metric instead, convert the XML first:
#   python tools/dataset_converters/voc_to_coco.py data/VOCdevkit
#
# The data settings are mmdet's own (mmdet 3.3's
# configs/_base_/datasets/voc0712.py), inherited rather than copied: VOC
# images are ~500x375, so the R-CNN-family recipes resize to short side 600,
# long side at most 1000; 07+12 trainval is repeated 3 times per "epoch"
# (RepeatDataset) so that an epoch-based schedule has fewer, longer epochs;
# objects under 32 px are flagged as ignored (bbox_min_size); VOC mAP at
# IoU 0.5, 11-point. The one change:
_base_ = 'mmdet::_base_/datasets/voc0712.py'
# an unreadable training image is skipped with a warning naming the file
# instead of ending the run (LoadImageOrSkip, docs/reliability.md).
train_pipeline = _base_.train_pipeline
train_pipeline[0].type = 'LoadImageOrSkip'
train_dataloader = _base_.train_dataloader
for _voc in train_dataloader.dataset.dataset.datasets:
    _voc.pipeline = train_pipeline
del _voc  # a loop variable, not a setting
