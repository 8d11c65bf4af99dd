# Pascal VOC 07+12 (voc0712.py) as the SSD and RefineDet recipes read it:
# SSD's augmentation (ssd_augmentation.py) into a 300x300 square, and,
# unlike the R-CNN setting, objects under 32 px are not flagged as ignored
# (no bbox_min_size), as in the zoo's SSD recipes: the zoom-in crops enlarge
# them to a learnable size.
_base_ = ['./voc0712.py', './ssd_augmentation.py']
train_pipeline = _base_.ssd_train_pipeline
test_pipeline = _base_.ssd_test_pipeline
train_dataloader = _base_.train_dataloader
train_dataloader.batch_sampler = None
for _voc in train_dataloader.dataset.dataset.datasets:
    _voc.pipeline = train_pipeline
    _voc.filter_cfg = dict(filter_empty_gt=True, min_size=32)
del _voc  # a loop variable, not a setting
val_dataloader = test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
