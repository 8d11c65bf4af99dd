# RetinaNet (Lin et al., ICCV 2017): ResNet-50 + FPN P3-P7, a shared 4-conv
# classification and box subnet, 9 anchors per cell (3 octave scales x 3
# ratios), and the focal loss with gamma=2, alpha=0.25. The classifier's bias
# is initialised to the prior pi=0.01 (RetinaHead's default bias init), which
# keeps the ~100k easy negatives from swamping the first iterations.
#
# This is mmdet's own base model, inherited rather than copied (mmdet 3.3's
# configs/_base_/models/retinanet_r50_fpn.py), without its ImageNet init: the
# embedded configs train from scratch, and the published recipes
# (configs/coco/, configs/voc/) name the weights file.
_base_ = 'mmdet::_base_/models/retinanet_r50_fpn.py'
model = dict(backbone=dict(init_cfg=None))
