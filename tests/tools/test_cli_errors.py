"""Every user mistake of issue #2 section 5 ends in one line on stderr that
says what is wrong and how to fix it, exit status 2, and no traceback.

The tools run in this process (conftest's ``run_tool``), as `python
tools/X.py ARGS` runs them, so the exit status and stderr are the command
line's, without a fresh Python importing torch and mmdet per mistake."""
import sys

import pytest

from conftest import REPO


def assert_one_line_error(proc, *fragments):
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert len(lines) == 1, proc.stderr[-2000:]
    assert lines[0].startswith('error: ')
    assert 'Traceback' not in proc.stderr
    for f in fragments:
        assert f in lines[0], lines[0]
    return lines[0]


def test_config_path_that_does_not_exist(run_tool):
    proc = run_tool(['tools/train.py', 'configs/retinanet_r50.py'])
    assert_one_line_error(proc, 'config file not found: configs/retinanet_r50.py',
                          'Did you mean configs/retinanet_r50_fpn.py?')


def test_test_tool_reports_missing_checkpoint(tmp_path, run_tool):
    proc = run_tool(['tools/test.py', 'configs/retinanet_r50_fpn.py',
                     str(tmp_path / 'missing.pth')])
    assert_one_line_error(proc, 'checkpoint not found', 'missing.pth')


def test_unknown_key_on_the_command_line_inside_a_component(run_tool):
    proc = run_tool(['tools/train.py', 'configs/retinanet_r50_fpn.py',
                     '--cfg-options', 'model.bbox_head.loss_cls.gama=1'])
    assert_one_line_error(
        proc, "unknown config key 'model.bbox_head.loss_cls.gama'",
        "did you mean 'gamma'?", 'FocalLoss')


def test_unknown_key_in_a_runner_section(run_tool):
    proc = run_tool(['tools/train.py', 'configs/retinanet_r50_fpn.py',
                     '--cfg-options', 'train_cfg.max_iter=5'])
    assert_one_line_error(proc, "'train_cfg.max_iter'",
                          "did you mean 'max_iters'?")


def test_unknown_key_in_a_plain_section(run_tool):
    proc = run_tool(['tools/train.py', 'configs/retinanet_r50_fpn.py',
                     '--cfg-options', 'randomness.sed=3'])
    assert_one_line_error(proc, "unknown config key 'randomness.sed'",
                          "did you mean 'seed'?")


def test_unknown_key_in_a_config_file(tmp_path, run_tool):
    cfg = tmp_path / 'typo.py'
    cfg.write_text(f"_base_ = '{REPO}/configs/retinanet_r50_fpn.py'\n"
                   'model = dict(neck=dict(out_chanels=64))\n')
    proc = run_tool(['tools/train.py', str(cfg)])
    assert_one_line_error(proc, "unknown config key 'model.neck.out_chanels'",
                          "did you mean 'out_channels'?", 'FPN')


def test_missing_dataset_directory_says_where_data_goes(tmp_path, run_tool):
    proc = run_tool(['tools/train.py', 'configs/faster_rcnn_r50_fpn.py',
                     '--cfg-options',
                     'train_dataloader.dataset.type=CocoDataset',
                     f'train_dataloader.dataset.data_root={tmp_path}/coco/'])
    assert_one_line_error(proc, 'dataset directory not found',
                          f'{tmp_path}/coco/', 'data/coco/',
                          'train_dataloader.dataset.data_root')


def test_missing_annotation_file(tmp_path, run_tool):
    (tmp_path / 'coco').mkdir()
    proc = run_tool(['tools/train.py', 'configs/faster_rcnn_r50_fpn.py',
                     '--cfg-options',
                     'train_dataloader.dataset.type=CocoDataset',
                     f'train_dataloader.dataset.data_root={tmp_path}/coco/'])
    assert_one_line_error(proc, 'annotation file not found',
                          'instances_train.json')


def test_missing_pretrained_weights(tmp_path, run_tool):
    cfg = tmp_path / 'pretrained.py'
    cfg.write_text(
        f"_base_ = '{REPO}/configs/retinanet_r50_fpn.py'\n"
        "model = dict(backbone=dict(init_cfg=dict(_delete_=True, "
        "type='Pretrained', checkpoint='checkpoints/resnet50-0676ba61.pth')))\n")
    proc = run_tool(['tools/train.py', str(cfg), '--work-dir',
                     str(tmp_path / 'w')])
    assert_one_line_error(
        proc, 'pretrained weights not found: checkpoints/resnet50-0676ba61.pth',
        'model.backbone.init_cfg', '--cfg-options model.backbone.init_cfg=None')


def test_a_dict_over_a_base_none_says_delete(tmp_path, run_tool):
    """The embedded bases set init_cfg=None; a child dict without
    _delete_ is mmengine's TypeError, shown as one line with its fix."""
    cfg = tmp_path / 'pretrained.py'
    cfg.write_text(
        f"_base_ = '{REPO}/configs/retinanet_r50_fpn.py'\n"
        "model = dict(backbone=dict(init_cfg=dict(type='Pretrained', "
        "checkpoint='x.pth')))\n")
    proc = run_tool(['tools/train.py', str(cfg)])
    assert_one_line_error(proc, 'cannot load config', 'init_cfg',
                          '_delete_=True')


def test_mmcv_without_ops(run_tool, monkeypatch):
    # Make `import mmcv.ops` fail exactly as it does with mmcv-lite.
    monkeypatch.setitem(sys.modules, 'mmcv.ops', None)
    proc = run_tool(['tools/train.py', 'configs/retinanet_r50_fpn.py'])
    assert_one_line_error(proc, 'mmcv is installed without its compiled ops',
                          'make setup')


def test_amp_on_cpu_that_cannot_take_it_is_refused(run_tool):
    """On a CPU, --amp means bf16 autocast: refused for a two-stage detector
    (mmcv's CPU RoI ops are fp32 only) and, for any detector, on a CPU with
    no native bf16."""
    import torch

    from custom_modules.engine.bf16_autocast_optim_wrapper import native_bf16
    if torch.cuda.is_available():
        pytest.skip('a GPU is present: --amp is fp16 there')
    proc = run_tool(['tools/train.py', 'configs/faster_rcnn_r50_fpn.py',
                     '--amp'])
    assert_one_line_error(proc, '--amp on a CPU means bf16',
                          'RoI stage of FasterRCNN', 'drop --amp')
    if not native_bf16('cpu'):
        proc = run_tool(['tools/train.py', 'configs/retinanet_r50_fpn.py',
                         '--amp'])
        assert_one_line_error(proc, 'needs native bf16', 'drop --amp')


def test_replacing_a_component_with_delete_is_not_an_unknown_key():
    from custom_modules.apis.config import load_config
    from custom_modules.apis.preflight import check_component_kwargs
    opts = {'model.bbox_head.loss_cls._delete_': True,
            'model.bbox_head.loss_cls.type': 'CrossEntropyLoss',
            'model.bbox_head.loss_cls.use_sigmoid': True,
            'model.bbox_head.loss_cls.loss_weight': 1.0}
    cfg = load_config('configs/retinanet_r50_fpn.py', opts)
    check_component_kwargs(cfg.model)
    assert cfg.model.bbox_head.loss_cls == dict(
        type='CrossEntropyLoss', use_sigmoid=True, loss_weight=1.0)


def test_switching_type_checks_keys_against_the_new_class():
    from custom_modules.apis.config import load_config
    from custom_modules.errors import UserError
    opts = {'model.bbox_head.loss_cls._delete_': True,
            'model.bbox_head.loss_cls.type': 'CrossEntropyLoss',
            'model.bbox_head.loss_cls.gamma': 2.0}
    from custom_modules.apis.preflight import check_component_kwargs
    cfg = load_config('configs/retinanet_r50_fpn.py', opts)
    with pytest.raises(UserError, match="CrossEntropyLoss takes no argument "
                                        "'gamma'"):
        check_component_kwargs(cfg.model)


def test_inference_speed_refuses_a_thread_count_below_one(run_tool):
    proc = run_tool(['tools/analysis/inference_speed.py', 'configs/ssd300.py',
                     '--threads', '0'])
    assert_one_line_error(proc, '--threads 0', 'positive number of threads')
