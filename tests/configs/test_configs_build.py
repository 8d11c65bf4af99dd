"""Every config under configs/ (but _base_/) loads and builds its model, and
the published recipes under configs/coco and configs/voc say what the papers
and the MMDetection model zoo say.

The config list is globbed when the tests are collected, so a config added
later is covered without touching this file. Building a model does not call
init_weights, so no pretrained file is read: the recipes build on a machine
without checkpoints/.
"""
import copy
import math
import os
import subprocess
from pathlib import Path

import pytest
from mmengine.config import Config

REPO = Path(__file__).resolve().parents[2]
CONFIG_ROOT = REPO / 'configs'
TOOLS = REPO / 'tools'


def _top_level_configs():
    return sorted(
        p.relative_to(CONFIG_ROOT).as_posix()
        for p in CONFIG_ROOT.rglob('*.py')
        if '_base_' not in p.relative_to(CONFIG_ROOT).parts)


ALL_CONFIGS = _top_level_configs()
RECIPES = [c for c in ALL_CONFIGS if c.split('/')[0] in ('coco', 'voc')]

_cfg_cache = {}


def load(rel):
    """Config.fromfile, cached: it also imports custom_modules through the
    config's custom_imports, which registers DetLab's classes."""
    if rel not in _cfg_cache:
        _cfg_cache[rel] = Config.fromfile(str(CONFIG_ROOT / rel))
    return _cfg_cache[rel]


def get(cfg, dotted):
    """``get(cfg, 'model.roi_head.bbox_head.2.num_classes')``: attribute
    path with integer list indices."""
    node = cfg
    for key in dotted.split('.'):
        node = node[int(key)] if isinstance(node, (list, tuple)) else node[key]
    return node


def build_model(cfg):
    from mmdet.registry import MODELS
    from mmdet.utils import register_all_modules
    from mmengine.registry import init_default_scope

    register_all_modules(init_default_scope=False)
    init_default_scope(cfg.get('default_scope', 'mmdet'))
    return MODELS.build(cfg.model)


# --------------------------------------------------------------- every config
def test_configs_are_found():
    assert 'coco/faster_rcnn_r50_fpn_1x_coco.py' in ALL_CONFIGS
    assert 'voc/ssd300_voc0712.py' in ALL_CONFIGS
    assert not any(c.startswith('_base_/') for c in ALL_CONFIGS)


@pytest.mark.parametrize('rel', ALL_CONFIGS)
def test_config_loads(rel):
    cfg = load(rel)
    assert 'model' in cfg and 'type' in cfg.model


@pytest.mark.parametrize('rel', ALL_CONFIGS)
def test_model_builds(rel):
    model = build_model(load(rel))
    assert sum(p.numel() for p in model.parameters()) > 0


# ------------------------------------------------------------ recipe configs
def _dataset_cfg(loader):
    """The innermost dataset of a dataloader (through RepeatDataset and
    ConcatDataset wrappers)."""
    ds = loader.dataset
    while True:
        if 'dataset' in ds:
            ds = ds.dataset
        elif 'datasets' in ds:
            ds = ds.datasets[0]
        else:
            return ds


def _dataset_classes(ds_cfg):
    from mmdet.registry import DATASETS
    from mmdet.utils import register_all_modules

    register_all_modules(init_default_scope=False)
    if ds_cfg.get('metainfo') and 'classes' in ds_cfg.metainfo:
        return tuple(ds_cfg.metainfo['classes'])
    return tuple(DATASETS.get(ds_cfg.type).METAINFO['classes'])


def _head_num_classes(model_cfg):
    """num_classes of every classifier: bbox_head, and each stage's bbox and
    mask head in roi_head."""
    found = []
    if 'bbox_head' in model_cfg:
        found.append(model_cfg.bbox_head.num_classes)
    roi = model_cfg.get('roi_head')
    if roi:
        for key in ('bbox_head', 'mask_head'):
            heads = roi.get(key)
            heads = heads if isinstance(heads, (list, tuple)) else [heads]
            found += [h.num_classes for h in heads if h]
    return found


@pytest.mark.parametrize('rel', RECIPES)
def test_recipe_pretrained_backbone_is_a_local_file(rel):
    init = load(rel).model.backbone.get('init_cfg')
    assert init is not None and init['type'] == 'Pretrained', \
        f'{rel}: the recipes start from ImageNet weights'
    ckpt = init['checkpoint']
    # Offline machine: a path under checkpoints/, never a URL or a
    # 'torchvision://'-style name that would trigger a download.
    assert ckpt.startswith('checkpoints/') and '://' not in ckpt, ckpt


@pytest.mark.parametrize('rel', RECIPES)
def test_recipe_num_classes_match_the_dataset(rel):
    cfg = load(rel)
    expected = {'coco': 80, 'voc': 20}[rel.split('/')[0]]
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        classes = _dataset_classes(_dataset_cfg(cfg[loader]))
        assert len(classes) == expected, (rel, loader)
    heads = _head_num_classes(cfg.model)
    assert heads and set(heads) == {expected}, (rel, heads)


@pytest.mark.parametrize('rel', RECIPES)
def test_recipe_metric_matches_the_dataset(rel):
    cfg = load(rel)
    ds = _dataset_cfg(cfg.val_dataloader)
    if ds.type == 'VOCDataset':
        assert cfg.val_evaluator.type == 'VOCMetric'
        # VOC2007 test is scored with the VOC2007 devkit's 11-point AP.
        assert ds.ann_file.startswith('VOC2007/')
        assert cfg.val_evaluator.eval_mode == '11points'
    else:
        assert cfg.val_evaluator.type == 'CocoMetric'
        assert cfg.val_evaluator.ann_file == ds.data_root + ds.ann_file


@pytest.mark.parametrize('rel', RECIPES)
def test_recipe_resnet_is_frozen_as_in_the_zoo(rel):
    backbone = load(rel).model.backbone
    if backbone.type not in ('ResNet', 'RefineDetResNet'):
        pytest.skip('not a ResNet backbone')
    assert backbone.frozen_stages == 1
    # BN statistics frozen; the zoo's torchvision-style R-50 recipes still
    # train the BN affine weights (requires_grad=True).
    assert backbone.norm_eval is True
    assert backbone.norm_cfg == dict(type='BN', requires_grad=True)


@pytest.mark.parametrize('rel', RECIPES)
def test_recipe_ssd_input_matches_its_default_boxes(rel):
    cfg = load(rel)
    gen = cfg.model.get('bbox_head', {}).get('anchor_generator', {})
    if gen.get('type') != 'SSDAnchorGenerator':
        pytest.skip('not an SSD')
    size = gen.input_size
    for loader in ('train_dataloader', 'val_dataloader'):
        resizes = [t for t in _dataset_cfg(cfg[loader]).pipeline
                   if t.type == 'Resize']
        assert [tuple(t.scale) for t in resizes] == [(size, size)], loader
        assert all(t.keep_ratio is False for t in resizes)


# ------------------------------- recipe data pipelines on a tiny local copy
def _write_tiny_voc(root):
    """A VOCdevkit with one 500x375 image per split (VOC2007 trainval and
    test, VOC2012 trainval), each holding a dog and a person."""
    from PIL import Image
    for year, split, voc_id in (('2007', 'trainval', '000005'),
                                ('2007', 'test', '000001'),
                                ('2012', 'trainval', '2008_000002')):
        d = root / f'VOC{year}'
        for sub in ('Annotations', 'JPEGImages', 'ImageSets/Main'):
            (d / sub).mkdir(parents=True, exist_ok=True)
        Image.new('RGB', (500, 375), (120, 90, 60)).save(
            d / 'JPEGImages' / f'{voc_id}.jpg')
        objects = ''.join(
            f'<object><name>{n}</name><difficult>0</difficult><bndbox>'
            f'<xmin>{a}</xmin><ymin>{b}</ymin><xmax>{c}</xmax>'
            f'<ymax>{e}</ymax></bndbox></object>'
            for n, a, b, c, e in (('dog', 50, 60, 300, 340),
                                  ('person', 320, 40, 480, 360)))
        (d / 'Annotations' / f'{voc_id}.xml').write_text(
            f'<annotation><filename>{voc_id}.jpg</filename><size>'
            '<width>500</width><height>375</height><depth>3</depth></size>'
            f'{objects}</annotation>')
        (d / 'ImageSets' / 'Main' / f'{split}.txt').write_text(voc_id + '\n')


def _write_tiny_coco(root):
    """COCO 2017 layout with one 640x480 image in train2017 and val2017,
    holding a person and a dog with polygon masks; the 80 categories are
    CocoDataset's, with ids 1..80."""
    import json
    from mmdet.datasets import CocoDataset
    from PIL import Image
    (root / 'annotations').mkdir(parents=True)
    cats = [dict(id=i + 1, name=n)
            for i, n in enumerate(CocoDataset.METAINFO['classes'])]
    for split in ('train2017', 'val2017'):
        (root / split).mkdir()
        Image.new('RGB', (640, 480), (60, 90, 120)).save(
            root / split / '000000000001.jpg')
        anns = []
        for i, (cat, (x, y, w, h)) in enumerate(
                ((1, (40, 50, 200, 300)), (18, (300, 100, 250, 200)))):
            anns.append(dict(
                id=i + 1, image_id=1, category_id=cat, bbox=[x, y, w, h],
                area=w * h, iscrowd=0,
                segmentation=[[x, y, x + w, y, x + w, y + h, x, y + h]]))
        (root / 'annotations' / f'instances_{split}.json').write_text(
            json.dumps(dict(
                images=[dict(id=1, file_name='000000000001.jpg', width=640,
                             height=480)],
                annotations=anns, categories=cats)))


def _repoint(node, data_root):
    """Set every ``data_root`` in a (nested) dataset config to
    ``data_root``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == 'data_root':
                node[key] = data_root
            else:
                _repoint(value, data_root)
    elif isinstance(node, (list, tuple)):
        for item in node:
            _repoint(item, data_root)


@pytest.mark.parametrize('rel', RECIPES)
def test_recipe_pipelines_run_on_a_tiny_copy_of_the_data(rel, tmp_path):
    """The recipe's train and test datasets, built as configured (wrappers,
    filters, augmentation) over a one-image copy of the real layout: the
    data paths, the wrappers and every transform's arguments are valid."""
    from mmdet.registry import DATASETS
    from mmdet.utils import register_all_modules
    from mmengine.registry import init_default_scope

    cfg = load(rel)
    root = tmp_path / 'data'
    if rel.startswith('voc/'):
        _write_tiny_voc(root)
    else:
        _write_tiny_coco(root)
    register_all_modules(init_default_scope=False)
    init_default_scope('mmdet')
    for loader in ('train_dataloader', 'test_dataloader'):
        ds_cfg = copy.deepcopy(cfg[loader].dataset)  # load() is cached
        _repoint(ds_cfg, str(root) + '/')
        dataset = DATASETS.build(ds_cfg)
        assert len(dataset) >= 1, (rel, loader)
        sample = dataset[0]
        h, w = sample['inputs'].shape[-2:]
        resize, = [t for t in _dataset_cfg(cfg[loader]).pipeline
                   if t.type == 'Resize']
        if resize.keep_ratio:
            # Fitted into the (long, short) box, e.g. 1333x800: for these
            # 4:3 images the short side reaches its limit.
            assert min(h, w) == min(resize.scale), (rel, loader, (h, w))
        else:
            # Warped to exactly (w, h), e.g. SSD's 300x300.
            assert (w, h) == tuple(resize.scale), (rel, loader, (h, w))
        boxes = sample['data_samples'].gt_instances.bboxes
        if loader == 'test_dataloader':
            # Ground truth in original-image coordinates, for the metric.
            assert len(boxes) == 2


# --------------------------------------------- documented facts, per config
R50_1X_COCO = {
    'train_cfg.max_epochs': 12,
    'param_scheduler.0.type': 'LinearLR',
    'param_scheduler.0.end': 500,
    'param_scheduler.1.milestones': [8, 11],
    'optim_wrapper.optimizer.type': 'SGD',
    'optim_wrapper.optimizer.lr': 0.02,
    'optim_wrapper.optimizer.momentum': 0.9,
    'optim_wrapper.optimizer.weight_decay': 1e-4,
    'auto_scale_lr.base_batch_size': 16,
    'train_dataloader.batch_size': 2,
    'model.backbone.init_cfg.checkpoint': 'checkpoints/resnet50-0676ba61.pth',
}
RPN = {
    'model.train_cfg.rpn.assigner.pos_iou_thr': 0.7,
    'model.train_cfg.rpn.assigner.neg_iou_thr': 0.3,
    'model.train_cfg.rpn.sampler.num': 256,
    'model.train_cfg.rpn.sampler.pos_fraction': 0.5,
    'model.test_cfg.rpn.nms.iou_threshold': 0.7,
}
FOCAL = {
    'model.bbox_head.loss_cls.type': 'FocalLoss',
    'model.bbox_head.loss_cls.gamma': 2.0,
    'model.bbox_head.loss_cls.alpha': 0.25,
    'model.bbox_head.anchor_generator.octave_base_scale': 4,
    'model.bbox_head.anchor_generator.scales_per_octave': 3,
}
CASCADE = {
    **{f'model.train_cfg.rcnn.{i}.assigner.pos_iou_thr': iou
       for i, iou in enumerate((0.5, 0.6, 0.7))},
    'model.roi_head.bbox_head.0.bbox_coder.target_stds': [0.1, 0.1, 0.2, 0.2],
    'model.roi_head.bbox_head.1.bbox_coder.target_stds':
    [0.05, 0.05, 0.1, 0.1],
    'model.roi_head.bbox_head.2.bbox_coder.target_stds':
    [0.033, 0.033, 0.067, 0.067],
    'model.roi_head.stage_loss_weights': [1, 0.5, 0.25],
}
SSD_COCO = {
    'train_cfg.max_epochs': 24,
    'param_scheduler.1.milestones': [16, 22],
    'train_dataloader.dataset.type': 'RepeatDataset',
    'train_dataloader.dataset.times': 5,  # 24 x 5 = 120 epochs
    'train_dataloader.batch_size': 8,
    'optim_wrapper.optimizer.lr': 2e-3,
    'optim_wrapper.optimizer.weight_decay': 5e-4,
    'auto_scale_lr.base_batch_size': 64,  # 8 GPUs x 8 images
    'model.train_cfg.neg_pos_ratio': 3,
    'model.backbone.init_cfg.checkpoint':
    'checkpoints/vgg16_caffe-292e1171.pth',
}
SSD_VOC = {
    **SSD_COCO,
    'param_scheduler.1.milestones': [16, 20],
    'train_dataloader.dataset.times': 10,
    'optim_wrapper.optimizer.lr': 1e-3,
}
VOC_1X = {
    # 4 epochs x RepeatDataset 3 = 12 passes, lr step after epoch 3.
    'train_cfg.max_epochs': 4,
    'train_dataloader.dataset.times': 3,
    'param_scheduler.0.milestones': [3],
    'optim_wrapper.optimizer.lr': 0.01,
    'model.backbone.init_cfg.checkpoint': 'checkpoints/resnet50-0676ba61.pth',
}

FACTS = {
    '_base_/schedules/schedule_1x.py': {
        'train_cfg.type': 'EpochBasedTrainLoop',
        'train_cfg.max_epochs': 12,
        'param_scheduler.0.end': 500,
        'param_scheduler.1.milestones': [8, 11],
        'optim_wrapper.optimizer.lr': 0.02,
        'auto_scale_lr.base_batch_size': 16,
    },
    '_base_/schedules/schedule_2x.py': {
        'train_cfg.type': 'EpochBasedTrainLoop',
        'train_cfg.max_epochs': 24,
        'param_scheduler.0.end': 500,
        'param_scheduler.1.milestones': [16, 22],
        'optim_wrapper.optimizer.lr': 0.02,
        'auto_scale_lr.base_batch_size': 16,
    },
    'coco/retinanet_r50_fpn_1x_coco.py': {
        **R50_1X_COCO, **FOCAL, 'optim_wrapper.optimizer.lr': 0.01},
    'coco/faster_rcnn_r50_fpn_1x_coco.py': {
        **R50_1X_COCO, **RPN,
        'model.train_cfg.rcnn.assigner.pos_iou_thr': 0.5},
    'coco/mask_rcnn_r50_fpn_1x_coco.py': {
        **R50_1X_COCO, **RPN, 'val_evaluator.metric': ['bbox', 'segm'],
        'model.roi_head.mask_head.num_classes': 80},
    'coco/cascade_rcnn_r50_fpn_1x_coco.py': {
        **R50_1X_COCO, **RPN, **CASCADE},
    'coco/cascade_mask_rcnn_r50_fpn_1x_coco.py': {
        **R50_1X_COCO, **RPN, **CASCADE,
        'val_evaluator.metric': ['bbox', 'segm']},
    'coco/ssd300_coco.py': {
        **SSD_COCO,
        'model.bbox_head.anchor_generator.input_size': 300,
        'model.bbox_head.anchor_generator.basesize_ratio_range': (0.15, 0.9)},
    'coco/ssd512_coco.py': {
        **SSD_COCO,
        'model.bbox_head.anchor_generator.input_size': 512,
        'model.bbox_head.anchor_generator.basesize_ratio_range': (0.1, 0.9)},
    'voc/faster_rcnn_r50_fpn_1x_voc0712.py': {**VOC_1X, **RPN},
    'voc/retinanet_r50_fpn_1x_voc0712.py': {**VOC_1X, **FOCAL},
    'voc/ssd300_voc0712.py': {
        **SSD_VOC,
        'model.bbox_head.anchor_generator.input_size': 300,
        'model.bbox_head.anchor_generator.basesize_ratio_range': (0.2, 0.9)},
    'voc/ssd512_voc0712.py': {
        **SSD_VOC,
        'model.bbox_head.anchor_generator.input_size': 512,
        'model.bbox_head.anchor_generator.basesize_ratio_range': (0.15, 0.9)},
}

# The numbers each recipe promises in its header comment: zoo box AP on COCO
# val2017 (and mask AP), zoo mAP on VOC2007 test.
REFERENCE_NUMBERS = {
    'coco/retinanet_r50_fpn_1x_coco.py': ['36.5'],
    'coco/faster_rcnn_r50_fpn_1x_coco.py': ['37.4'],
    'coco/mask_rcnn_r50_fpn_1x_coco.py': ['38.2', '34.7'],
    'coco/cascade_rcnn_r50_fpn_1x_coco.py': ['40.3'],
    'coco/cascade_mask_rcnn_r50_fpn_1x_coco.py': ['41.2', '35.9'],
    'coco/ssd300_coco.py': ['25.5'],
    'coco/ssd512_coco.py': ['29.5'],
    'voc/faster_rcnn_r50_fpn_1x_voc0712.py': ['79.5'],
    'voc/retinanet_r50_fpn_1x_voc0712.py': ['79.2'],
    'voc/ssd300_voc0712.py': ['76.5'],
    'voc/ssd512_voc0712.py': ['79.5'],
    # RefineDet: the paper's VOC2007 test mAP and COCO test-dev AP.
    'voc/refinedet320_vgg16_voc0712.py': ['80.0'],
    'voc/refinedet512_vgg16_voc0712.py': ['81.8'],
    'coco/refinedet512_vgg16_coco.py': ['33.0'],
    'coco/refinedet512_r101_coco.py': ['36.4'],
}


def _same(actual, expected):
    if isinstance(expected, float):
        return math.isclose(actual, expected)
    if isinstance(expected, (list, tuple)):
        return (len(actual) == len(expected)
                and all(_same(a, e) for a, e in zip(actual, expected)))
    return actual == expected


@pytest.mark.parametrize('rel', sorted(FACTS))
def test_documented_facts(rel):
    cfg = Config.fromfile(str(CONFIG_ROOT / rel))
    wrong = {
        key: (get(cfg, key), want)
        for key, want in FACTS[rel].items() if not _same(get(cfg, key), want)
    }
    assert not wrong, f'{rel}: {{key: (actual, documented)}} = {wrong}'


@pytest.mark.parametrize('rel', sorted(REFERENCE_NUMBERS))
def test_recipe_states_its_reference_numbers(rel):
    header = (CONFIG_ROOT / rel).read_text().split('_base_')[0]
    for number in REFERENCE_NUMBERS[rel]:
        assert number in header, f'{rel}: reference {number} not in header'


def test_ssd_recipes_use_the_paper_augmentation():
    for rel in ('coco/ssd300_coco.py', 'coco/ssd512_coco.py',
                'voc/ssd300_voc0712.py', 'voc/ssd512_voc0712.py'):
        pipeline = _dataset_cfg(load(rel).train_dataloader).pipeline
        types = [t.type for t in pipeline]
        assert types.index('Expand') < types.index('MinIoURandomCrop') \
            < types.index('Resize'), rel
        assert 'PhotoMetricDistortion' in types, rel
        expand = pipeline[types.index('Expand')]
        # The canvas is the preprocessor's mean colour, so it normalises to 0.
        assert expand.mean == load(rel).model.data_preprocessor.mean
        assert expand.ratio_range == (1, 4)


EMBEDDED = [c for c in ALL_CONFIGS if '/' not in c]


@pytest.mark.parametrize('rel', EMBEDDED)
def test_embedded_run_can_resume_at_every_validation(rel):
    """An iteration-based run whose checkpoint hook counts epochs saves once,
    at the end (``epoch_1.pth``), so an interrupted benchmark run would start
    over. refinedet320/512 did until this test."""
    cfg = load(rel)
    assert cfg.train_cfg.type == 'IterBasedTrainLoop'
    ckpt = cfg.default_hooks.checkpoint
    assert ckpt.get('by_epoch', True) is False, (
        f'{rel}: set default_hooks.checkpoint.by_epoch=False')
    assert cfg.train_cfg.val_interval % ckpt.interval == 0, (
        f'{rel}: checkpoint interval {ckpt.interval} does not divide '
        f'val_interval {cfg.train_cfg.val_interval}')


@pytest.mark.parametrize('pair', [('ssd300.py', 'refinedet320.py'),
                                  ('ssd512.py', 'refinedet512.py')])
def test_embedded_ssd_and_refinedet_are_normalised_alike(pair):
    """The RefineDet-vs-SSD comparison is fair only if neither detector gets
    a better-conditioned network: in both, every convolution of the trunk
    and of the neck is followed by a BatchNorm, and the paper recipes keep
    the plain VGG16."""
    import torch.nn as nn
    for rel in pair:
        model = build_model(load(rel))
        for part in (model.backbone, model.neck):
            convs = [m for m in part.modules()
                     if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))]
            norms = [m for m in part.modules()
                     if isinstance(m, nn.BatchNorm2d)]
            assert convs and len(norms) == len(convs), (rel, type(part))
    for rel in ('coco/ssd300_coco.py', 'voc/refinedet320_vgg16_voc0712.py'):
        model = build_model(load(rel))
        assert not any(
            isinstance(m, nn.BatchNorm2d) for m in model.modules()), rel


def test_retinanet_classifier_starts_at_the_prior():
    """The focal-loss paper's bias init: sigmoid(bias) = 0.01 for every
    anchor, i.e. bias = -log((1 - 0.01) / 0.01)."""
    model = build_model(load('coco/retinanet_r50_fpn_1x_coco.py'))
    model.bbox_head.init_weights()  # the head only: no pretrained file read
    bias = model.bbox_head.retina_cls.bias.detach()
    assert bias.numel() == 9 * 80
    assert math.isclose(float(bias.mean()), -math.log(99), rel_tol=1e-5)
    assert float(bias.std()) < 1e-6


# ------------------------------------------------------------ shell launchers
LAUNCHER_VARS = ('NNODES', 'NODE_RANK', 'MASTER_ADDR', 'PORT', 'GPUS',
                 'GPUS_PER_NODE', 'CPUS_PER_TASK', 'SRUN_ARGS', 'PYTHON')


def _run_with_fake(tmp_path, fake, script, args, **env_vars):
    """Run tools/<script> with an executable called ``fake`` (torchrun or
    srun) first on PATH that records its arguments; return the finished
    process and the recorded argument list. Launcher variables come only
    from ``env_vars``, not from the caller's environment."""
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir(exist_ok=True)
    record = tmp_path / f'{fake}.args'
    exe = bin_dir / fake
    exe.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{record}"\n')
    exe.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in LAUNCHER_VARS}
    env.update(env_vars, PATH=f'{bin_dir}{os.pathsep}{env["PATH"]}')
    proc = subprocess.run(['bash', str(TOOLS / script), *args], cwd=REPO,
                          env=env, capture_output=True, text=True,
                          timeout=30)
    recorded = record.read_text().splitlines() if record.exists() else None
    return proc, recorded


@pytest.mark.parametrize('script', ['dist_train.sh', 'slurm_train.sh'])
def test_launcher_is_valid_bash(script):
    proc = subprocess.run(['bash', '-n', str(TOOLS / script)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_dist_train_calls_torchrun(tmp_path):
    proc, args = _run_with_fake(
        tmp_path, 'torchrun', 'dist_train.sh',
        ['configs/coco/ssd300_coco.py', '4', '--amp', '--cfg-options',
         'train_cfg.max_epochs=1'],
        NNODES='2', NODE_RANK='1', MASTER_ADDR='10.0.0.1', PORT='29555')
    assert proc.returncode == 0, proc.stderr
    assert args == [
        '--nnodes=2', '--node_rank=1', '--master_addr=10.0.0.1',
        '--master_port=29555', '--nproc_per_node=4',
        str(TOOLS / 'train.py'), 'configs/coco/ssd300_coco.py',
        '--launcher', 'pytorch', '--amp', '--cfg-options',
        'train_cfg.max_epochs=1'
    ]


def test_dist_train_defaults_to_one_local_node(tmp_path):
    proc, args = _run_with_fake(tmp_path, 'torchrun', 'dist_train.sh',
                                ['cfg.py', '8'])
    assert proc.returncode == 0, proc.stderr
    assert args[:5] == ['--nnodes=1', '--node_rank=0',
                        '--master_addr=127.0.0.1', '--master_port=29500',
                        '--nproc_per_node=8']


def test_slurm_train_calls_srun(tmp_path):
    proc, args = _run_with_fake(
        tmp_path, 'srun', 'slurm_train.sh',
        ['gpu', 'frcnn', 'configs/coco/faster_rcnn_r50_fpn_1x_coco.py',
         'work_dirs/frcnn', '--resume'],
        GPUS='16', GPUS_PER_NODE='8', CPUS_PER_TASK='4',
        SRUN_ARGS='--time=48:00:00 --exclusive', PYTHON='python3')
    assert proc.returncode == 0, proc.stderr
    assert args == [
        '--partition=gpu', '--job-name=frcnn', '--gres=gpu:8', '--ntasks=16',
        '--ntasks-per-node=8', '--cpus-per-task=4', '--kill-on-bad-exit=1',
        '--time=48:00:00', '--exclusive', 'python3', '-u',
        str(TOOLS / 'train.py'), 'configs/coco/faster_rcnn_r50_fpn_1x_coco.py',
        '--work-dir=work_dirs/frcnn', '--launcher', 'slurm', '--resume'
    ]


def test_slurm_train_defaults(tmp_path):
    proc, args = _run_with_fake(tmp_path, 'srun', 'slurm_train.sh',
                                ['p', 'j', 'cfg.py', 'wd'])
    assert proc.returncode == 0, proc.stderr
    assert args[:7] == [
        '--partition=p', '--job-name=j', '--gres=gpu:8', '--ntasks=8',
        '--ntasks-per-node=8', '--cpus-per-task=5', '--kill-on-bad-exit=1'
    ]
    assert args[7:9] == ['python', '-u']


def test_slurm_train_small_job_asks_for_its_gpus_only(tmp_path):
    proc, args = _run_with_fake(tmp_path, 'srun', 'slurm_train.sh',
                                ['p', 'j', 'cfg.py', 'wd'], GPUS='2')
    assert proc.returncode == 0, proc.stderr
    assert '--gres=gpu:2' in args and '--ntasks-per-node=2' in args


@pytest.mark.parametrize('fake,script,args', [
    ('torchrun', 'dist_train.sh', ['cfg.py']),
    ('srun', 'slurm_train.sh', ['p', 'j']),
])
def test_launcher_usage_error(tmp_path, fake, script, args):
    proc, launched = _run_with_fake(tmp_path, fake, script, args)
    assert proc.returncode == 2
    assert proc.stderr.startswith('usage: ')
    assert launched is None
