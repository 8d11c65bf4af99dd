# RefineDet320 with the negative anchor filter this repository used before
# issue 24: anchors the ARM calls background with p > 0.99 leave the ODM loss
# *whether or not they are positives*. The official release (and the
# default, configs/refinedet320.py) removes only negatives from the ODM's
# hard negative mining; RefineDetHead's docstring cites its lines. The A/B:
# `python tools/sweep.py configs/ablations/refinedet320_filter_all.py
# --seeds 0,1,2 ...` against the same seeds of configs/refinedet320.py.
_base_ = '../refinedet320.py'
model = dict(bbox_head=dict(negative_anchor_filter='all'))
