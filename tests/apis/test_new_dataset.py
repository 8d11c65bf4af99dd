"""Generated configs: they change only what the data decides, set
num_classes in every classifying head, load ImageNet weights in
torchvision's layout, and fine-tune from a DetLab checkpoint with another
class count."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from custom_modules.apis.new_dataset import (BOX_MODELS, CONFIGS,
                                             MASK_MODELS, new_dataset,
                                             num_classes_override)
from custom_modules.apis.preflight import num_classes_paths
from custom_modules.errors import UserError

from messy_folders import coco_folder, labelimg_folder


def _flat(node, prefix=''):
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            out.update(_flat(v, f'{prefix}{k}.'))
        return out
    if isinstance(node, (list, tuple)) and any(isinstance(v, dict)
                                               for v in node):
        out = {}
        for i, v in enumerate(node):
            out.update(_flat(v, f'{prefix}{i}.'))
        return out
    return {prefix[:-1]: node}


def _make(tmp_path, build=coco_folder, **kwargs):
    src = build(str(tmp_path / 'src'))
    summary = new_dataset(src, 'parts', data_dir=str(tmp_path / 'data'),
                          config_dir=str(tmp_path / 'configs'), **kwargs)
    return summary


def test_every_model_changes_only_data_classes_and_work_dir(tmp_path):
    from mmdet.utils import register_all_modules
    import custom_modules  # noqa: F401
    register_all_modules()
    summary = _make(tmp_path)
    # Every object has a polygon: the mask models are written too.
    assert [osp.basename(c)[:-3] for c in summary['configs']] == \
        list(BOX_MODELS + MASK_MODELS)
    data = str(tmp_path / 'data') + '/'
    for path in summary['configs']:
        model = osp.basename(path)[:-3]
        cfg = Config.fromfile(path)
        base = Config.fromfile(osp.join(CONFIGS, f'{model}.py'))
        heads = dict(num_classes_paths(cfg.model))
        assert set(heads.values()) == {2}, heads
        assert len(heads) == len(dict(num_classes_paths(base.model)))
        changed = {k for k, v in _flat(cfg.to_dict()).items()
                   if _flat(base.to_dict()).get(k, object()) != v}
        allowed = ('work_dir', 'data_root', 'metainfo', 'model.')
        for key in changed:
            if key.startswith('model.'):
                assert key.endswith('num_classes'), key
            elif not key.startswith(allowed):
                assert key.split('.')[0] in (
                    'train_dataloader', 'val_dataloader', 'test_dataloader',
                    'val_evaluator', 'test_evaluator'), key
                assert key.split('.', 1)[1] in (
                    'dataset.type', 'dataset.data_root', 'dataset.ann_file',
                    'dataset.data_prefix.img', 'dataset.metainfo.classes',
                    'ann_file'), key
        assert cfg.train_dataloader.dataset.type == 'CocoDataset'
        assert cfg.train_dataloader.dataset.data_root == data
        assert cfg.val_evaluator.ann_file == data + 'annotations/val.json'
        assert cfg.work_dir == f'work_dirs/parts/{model}'
        if 'rpn_head' in cfg.model:
            assert cfg.model.rpn_head.get('num_classes', 1) == 1
        # It builds, and every classifying head has 2 classes (mmcv's VGG
        # keeps an unused num_classes=-1 of its own).
        from mmdet.registry import MODELS
        detector = MODELS.build(cfg.model)
        sizes = {getattr(m, 'num_classes') for m in detector.modules()
                 if 'head' in type(m).__name__.lower()
                 and hasattr(m, 'num_classes') and 'RPN' not in type(m).__name__}
        assert sizes == {2}, (model, sizes)


def test_cascade_override_writes_all_three_stages():
    base = Config.fromfile(osp.join(CONFIGS, 'cascade_rcnn_r50_fpn.py'))
    override = num_classes_override(base.model, 3)
    stages = override['roi_head']['bbox_head']
    assert [s['num_classes'] for s in stages] == [3, 3, 3]
    # Whole stage dicts (a list replaces its base's list), IoU-specific
    # box coder stds kept.
    assert [s['bbox_coder']['target_stds'][0] for s in stages] == \
        [0.1, 0.05, 0.033]
    assert set(override) == {'roi_head'}


def test_box_only_data_refuses_mask_models(tmp_path):
    with pytest.raises(UserError, match='need a polygon on every object'):
        _make(tmp_path, build=labelimg_folder, models=['mask_rcnn_r50_fpn'])


def test_existing_name_is_not_overwritten(tmp_path):
    _make(tmp_path, models=['retinanet_r50_fpn'])
    with pytest.raises(UserError, match='already exists; pick another '
                       '--name, or pass --force'):
        new_dataset(str(tmp_path / 'src'), 'parts',
                    data_dir=str(tmp_path / 'data'),
                    config_dir=str(tmp_path / 'configs2'))
    with pytest.raises(UserError, match="--name 'a b' must start"):
        new_dataset(str(tmp_path / 'src'), 'a b')


def _backbone(cfg):
    from mmdet.registry import MODELS
    from mmdet.utils import register_all_modules
    register_all_modules()
    return MODELS.build(cfg.model.backbone)


def test_pretrained_resnet_in_torchvision_layout(tmp_path):
    cfg = Config.fromfile(osp.join(CONFIGS, 'retinanet_r50_fpn.py'))
    torch.manual_seed(1)
    sd = {k: v for k, v in _backbone(cfg).state_dict().items()}
    # torchvision's resnet50 file: the same names plus the classifier.
    sd['fc.weight'], sd['fc.bias'] = torch.randn(1000, 2048), torch.zeros(1000)
    ckpt = str(tmp_path / 'resnet50-tv.pth')
    torch.save(sd, ckpt)
    summary = _make(tmp_path, models=['retinanet_r50_fpn'], pretrained=ckpt)
    n = len([k for k in sd if not k.endswith('num_batches_tracked')]) - 2
    assert summary['weights']['retinanet_r50_fpn'] == \
        f'{n} of {n} backbone tensors filled from {ckpt}'
    gen = Config.fromfile(summary['configs'][0])
    assert gen.model.backbone.init_cfg == dict(type='Pretrained',
                                               checkpoint=ckpt)
    assert gen.model.backbone.frozen_stages == 1
    backbone = _backbone(gen)
    backbone.init_weights()
    assert torch.equal(backbone.conv1.weight, sd['conv1.weight'])
    assert torch.equal(backbone.layer4[2].conv3.weight,
                       sd['layer4.2.conv3.weight'])


def test_pretrained_vgg_fills_the_convolutions(tmp_path):
    cfg = Config.fromfile(osp.join(CONFIGS, 'ssd300.py'))
    own = _backbone(cfg).state_dict()
    # torchvision's vgg16: features.{0..28} convs, no BN, then classifier.
    convs = [0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28]
    sd = {}
    for i in convs:
        sd[f'features.{i}.weight'] = torch.randn_like(
            own[f'features.{i}.weight'])
        sd[f'features.{i}.bias'] = torch.randn_like(own[f'features.{i}.bias'])
    sd['classifier.0.weight'] = torch.randn(16, 8)
    ckpt = str(tmp_path / 'vgg16-tv.pth')
    torch.save(sd, ckpt)
    summary = _make(tmp_path, models=['ssd300'], pretrained=ckpt)
    total = len([k for k in own if not k.endswith('num_batches_tracked')])
    assert summary['weights']['ssd300'] == \
        f'26 of {total} backbone tensors filled from {ckpt}'
    backbone = _backbone(Config.fromfile(summary['configs'][0]))
    backbone.init_weights()
    assert torch.equal(backbone.features[28].weight, sd['features.28.weight'])


def test_pretrained_in_a_wrong_layout_fails_in_one_line(tmp_path):
    ckpt = str(tmp_path / 'other.pth')
    torch.save({'encoder.0.weight': torch.zeros(3)}, ckpt)
    with pytest.raises(UserError, match="fills none of the backbone's"):
        _make(tmp_path, models=['retinanet_r50_fpn'], pretrained=ckpt)


def test_pretrained_torchvision_says_where_the_file_goes(tmp_path):
    from custom_modules.apis.train import prepare_train_config
    summary = _make(tmp_path, models=['faster_rcnn_r50_fpn'],
                    pretrained='torchvision')
    path = summary['configs'][0]
    text = open(path).read()
    assert 'https://download.pytorch.org/models/resnet50-0676ba61.pth' in text
    assert Config.fromfile(path).model.backbone.init_cfg.checkpoint == \
        'checkpoints/resnet50-0676ba61.pth'
    with pytest.raises(UserError, match='pretrained weights not found: '
                       'checkpoints/resnet50-0676ba61.pth'):
        prepare_train_config(path, work_dir=str(tmp_path / 'w'))


def test_finetune_from_a_detlab_checkpoint_with_other_classes(tmp_path):
    """A 6-class embedded RetinaNet checkpoint -> the 2-class config:
    everything but the classifier's last conv is loaded, and it trains."""
    from mmengine.runner import Runner
    from custom_modules.apis.train import prepare_train_config
    from mmdet.registry import MODELS
    from mmdet.utils import register_all_modules
    register_all_modules()
    six = MODELS.build(Config.fromfile(
        osp.join(CONFIGS, 'retinanet_r50_fpn.py')).model)
    ckpt = str(tmp_path / 'shapes_retinanet.pth')
    torch.save(dict(meta=dict(dataset_meta=dict(classes=tuple('abcdef'))),
                    state_dict=six.state_dict()), ckpt)
    summary = _make(tmp_path, models=['retinanet_r50_fpn'])
    opts = {'load_from': ckpt, 'train_cfg.max_iters': 1,
            'train_cfg.val_interval': 1, 'train_dataloader.batch_size': 2,
            'default_hooks.checkpoint.interval': 1,
            'custom_hooks': [dict(type='MetricsRecorderHook')]}
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        opts[f'{loader}.num_workers'] = 0
        opts[f'{loader}.persistent_workers'] = False
    cfg = prepare_train_config(summary['configs'][0],
                               work_dir=str(tmp_path / 'ft'),
                               cfg_options=opts)
    runner = Runner.from_cfg(cfg)
    runner.load_or_resume()
    model = runner.model
    assert torch.equal(model.backbone.conv1.weight, six.backbone.conv1.weight)
    assert torch.equal(model.bbox_head.retina_reg.weight,
                       six.bbox_head.retina_reg.weight)
    # 9 anchors x 2 classes, not loaded from the 9 x 6 of the checkpoint.
    assert model.bbox_head.retina_cls.weight.shape[0] == 18
    runner.train()
    assert osp.isfile(osp.join(str(tmp_path / 'ft'), 'iter_1.pth'))
