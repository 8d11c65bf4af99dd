"""PredictableSSDHead: mmdet's SSDHead with its inference path repaired.

SSD scores anchors with a softmax over (classes + background) and trains them
with hard negative mining written inline in ``loss_by_feat``; it therefore
never builds a ``loss_cls`` module. mmdet 3.3.0's shared inference code
(``BaseDenseHead._predict_by_feat_single``) nevertheless asks
``self.loss_cls`` whether the classifier has custom channels, so every SSD
validation or test stops with ``AttributeError: 'SSDHead' object has no
attribute 'loss_cls'`` (open-mmlab/mmdetection#11780).

The repair is to answer that question honestly: SSD has no classification
loss module, so ``loss_cls`` is ``None``, which the base class reads as "no
custom channels" and then takes the ordinary softmax branch. Training is
untouched.
"""
from mmdet.models.dense_heads import SSDHead
from mmdet.registry import MODELS


@MODELS.register_module()
class PredictableSSDHead(SSDHead):
    """SSDHead that can predict; see the module docstring for the bug."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not hasattr(self, 'loss_cls'):
            self.loss_cls = None
