"""The published recipes reproduce mmdet's own: each resolves to the model,
optimiser, schedule, loop, data loaders and evaluator of the mmdet 3.3
config of the same name, and differs only where this repo says it does (the
weights are read from a file because the machine may be offline; SSD's head
is the one that can predict; an unreadable training image is skipped;
square-warped SSD batches are not grouped by aspect ratio). This is what
lets the recipes inherit their bases instead of copying them.
A base model edited by mistake, or an mmdet base that changes under us,
shows up here as a named difference."""
import os.path as osp

import mmdet
import pytest
from mmengine.config import Config

from conftest import REPO

MMDET_CONFIGS = osp.join(osp.dirname(mmdet.__file__), '.mim', 'configs')
R50 = {'model.backbone.init_cfg.checkpoint': (
    'checkpoints/resnet50-0676ba61.pth', 'torchvision://resnet50')}
VGG = {'model.backbone.init_cfg.checkpoint': (
    'checkpoints/vgg16_caffe-292e1171.pth', 'open-mmlab://vgg16_caffe'),
    'model.bbox_head.type': ('PredictableSSDHead', 'SSDHead')}



def skips_unreadable(*datasets):
    """LoadImageOrSkip in place of LoadImageFromFile in each training
    dataset (given by its path under train_dataloader)."""
    return {f'train_dataloader.{d}.pipeline[0].type':
            ('LoadImageOrSkip', 'LoadImageFromFile') for d in datasets}


COCO = skips_unreadable('dataset')
VOC = skips_unreadable('dataset.dataset.datasets[0]',
                       'dataset.dataset.datasets[1]')
SSD_COCO = skips_unreadable('dataset.dataset')
SQUARE = {'train_dataloader.batch_sampler': (None, '<absent>'),
          'train_dataloader.batch_sampler.type':
          ('<absent>', 'AspectRatioBatchSampler')}

RECIPES = [
    ('coco/retinanet_r50_fpn_1x_coco', 'retinanet/retinanet_r50_fpn_1x_coco',
     {**R50, **COCO}),
    ('coco/faster_rcnn_r50_fpn_1x_coco',
     'faster_rcnn/faster-rcnn_r50_fpn_1x_coco', {**R50, **COCO}),
    ('coco/mask_rcnn_r50_fpn_1x_coco', 'mask_rcnn/mask-rcnn_r50_fpn_1x_coco',
     {**R50, **COCO}),
    ('coco/cascade_rcnn_r50_fpn_1x_coco',
     'cascade_rcnn/cascade-rcnn_r50_fpn_1x_coco', {**R50, **COCO}),
    ('coco/cascade_mask_rcnn_r50_fpn_1x_coco',
     'cascade_rcnn/cascade-mask-rcnn_r50_fpn_1x_coco', {**R50, **COCO}),
    ('voc/retinanet_r50_fpn_1x_voc0712',
     'pascal_voc/retinanet_r50_fpn_1x_voc0712', {**R50, **VOC}),
    ('voc/faster_rcnn_r50_fpn_1x_voc0712',
     'pascal_voc/faster-rcnn_r50_fpn_1x_voc0712', {**R50, **VOC}),
    ('coco/ssd300_coco', 'ssd/ssd300_coco', {**VGG, **SSD_COCO}),
    ('coco/ssd512_coco', 'ssd/ssd512_coco', {**VGG, **SSD_COCO}),
    ('voc/ssd300_voc0712', 'pascal_voc/ssd300_voc0712',
     {**VGG, **VOC, **SQUARE}),
    ('voc/ssd512_voc0712', 'pascal_voc/ssd512_voc0712',
     {**VGG, **VOC, **SQUARE}),
]
KEYS = ('model', 'optim_wrapper', 'param_scheduler', 'train_cfg',
        'auto_scale_lr', 'train_dataloader', 'val_dataloader',
        'test_dataloader', 'val_evaluator', 'test_evaluator')


def flat(value, prefix=''):
    """``{'a.b[0].c': leaf}`` of a nested config value."""
    out = {}
    if isinstance(value, dict):
        for k, v in value.items():
            if k != '_scope_':  # mmengine's tag of an mmdet:: base
                out.update(flat(v, f'{prefix}.{k}' if prefix else k))
    elif isinstance(value, (list, tuple)) and any(
            isinstance(v, (dict, list, tuple)) for v in value):
        for i, v in enumerate(value):
            out.update(flat(v, f'{prefix}[{i}]'))
    elif not (prefix.endswith('backend_args') and value is None):
        # backend_args=None is mmdet's default, stated or not.
        out[prefix] = list(value) if isinstance(value, tuple) else value
    return out


def differences(ours: str, theirs: str):
    a = Config.fromfile(osp.join(REPO, 'configs', ours + '.py'))
    b = Config.fromfile(osp.join(MMDET_CONFIGS, theirs + '.py'))
    fa = flat({k: a.get(k) for k in KEYS})
    fb = flat({k: b.get(k) for k in KEYS})
    return {k: (fa.get(k, '<absent>'), fb.get(k, '<absent>'))
            for k in sorted(set(fa) | set(fb))
            if fa.get(k, '<absent>') != fb.get(k, '<absent>')}


@pytest.mark.parametrize('ours,theirs,expected', RECIPES,
                         ids=[r[0] for r in RECIPES])
def test_recipe_resolves_to_mmdets(ours, theirs, expected):
    assert differences(ours, theirs) == expected


def test_the_comparison_sees_a_real_difference():
    """The embedded RetinaNet is not the published one: the check that
    passes above would fail on it, key by key."""
    diff = differences('retinanet_r50_fpn', 'retinanet/retinanet_r50_fpn_1x_coco')
    assert diff['model.bbox_head.num_classes'] == (6, 80)
    assert diff['model.backbone.norm_eval'] == (False, True)
