"""The user mistakes of the reliability issue, each caught before the Runner
is built, as one line that names the key or path and the fix."""
import json
import os.path as osp
import shutil

import pytest
import torch

from custom_modules.apis.test import check_checkpoint_fits
from custom_modules.apis.train import prepare_train_config
from custom_modules.errors import UserError
from conftest import REPO, shapes_overrides

DEMO = 'configs/retinanet_r50_fpn.py'


def prepare(tmp_path, root, **extra):
    opts = shapes_overrides(root)
    opts.update(extra)
    return prepare_train_config(DEMO, work_dir=str(tmp_path / 'work'),
                                cfg_options=opts)


def one_line(err):
    msg = str(err.value)
    assert '\n' not in msg
    return msg


def test_a_number_given_as_text(tmp_path, tiny_shapes):
    with pytest.raises(UserError) as err:
        prepare(tmp_path, tiny_shapes, **{'train_cfg.max_iters': 'abc'})
    assert one_line(err) == (
        "--cfg-options train_cfg.max_iters='abc': train_cfg.max_iters is "
        "1800 in the config and needs a number, e.g. train_cfg.max_iters=1800.")


def test_a_flag_given_as_a_number(tmp_path, tiny_shapes):
    with pytest.raises(UserError, match='needs True or False'):
        prepare(tmp_path, tiny_shapes,
                **{'train_dataloader.persistent_workers': 3})


@pytest.mark.skipif(torch.cuda.is_available(),
                    reason="mmcv's CUDA focal loss is stable at gamma < 1")
def test_mmdets_focal_loss_below_gamma_one_on_a_cpu(tmp_path, tiny_shapes):
    """It would train, then turn NaN; say so before, with the fix."""
    with pytest.raises(UserError) as err:
        prepare(tmp_path, tiny_shapes,
                **{'model.bbox_head.loss_cls.gamma': 0.5})
    assert one_line(err) == (
        "model.bbox_head.loss_cls is mmdet's FocalLoss with gamma=0.5: on a "
        "CPU its gradient becomes NaN for 0 < gamma < 1. Use DetLab's "
        'StableFocalLoss (the same loss from the logits): --cfg-options '
        'model.bbox_head.loss_cls.type=StableFocalLoss')
    # The fix it names works, and gamma 0 and 2 never needed it.
    for extra in ({'model.bbox_head.loss_cls.gamma': 0.5,
                   'model.bbox_head.loss_cls.type': 'StableFocalLoss'},
                  {'model.bbox_head.loss_cls.gamma': 0.0},
                  {'model.bbox_head.loss_cls.gamma': 2.0}):
        prepare(tmp_path, tiny_shapes, **extra)


@pytest.mark.skipif(torch.cuda.is_available(),
                    reason="mmcv's CUDA focal loss is stable at gamma < 1")
def test_a_focal_sweep_below_gamma_one_is_refused_before_it_starts(
        tmp_path):
    from custom_modules.sweep.launch import build_plan
    from custom_modules.sweep.spec import build_spec
    spec = build_spec(['model.bbox_head.loss_cls.gamma=0.5,2'])
    with pytest.raises(UserError, match="mmdet's FocalLoss with gamma=0.5"):
        build_plan(DEMO, spec, name='g', root=str(tmp_path))
    build_plan('configs/ablations/retinanet_r18_fpn_focal_ablation.py', spec,
               name='g', root=str(tmp_path))  # StableFocalLoss: fine


def test_num_classes_against_the_classes_of_the_data(tmp_path, tiny_shapes):
    with pytest.raises(UserError) as err:
        prepare(tmp_path, tiny_shapes, **{'model.bbox_head.num_classes': 3})
    assert one_line(err) == (
        'model.bbox_head.num_classes is 3 but the training set has 6 classes; '
        'set it to 6 (--cfg-options model.bbox_head.num_classes=6) in every '
        'head.')


def test_every_cascade_stage_is_checked(tmp_path, tiny_shapes):
    opts = shapes_overrides(tiny_shapes)
    opts['model.roi_head.bbox_head.2.num_classes'] = 5
    with pytest.raises(UserError, match=r'model\.roi_head\.bbox_head\.2\.'
                       r'num_classes is 5 but the training set has 6'):
        prepare_train_config('configs/cascade_rcnn_r50_fpn.py',
                             work_dir=str(tmp_path / 'w'), cfg_options=opts)


def copy_of(root, tmp_path):
    dst = tmp_path / 'shapes'
    shutil.copytree(root, dst)
    return str(dst)


def test_truncated_annotation_json(tmp_path, tiny_shapes):
    root = copy_of(tiny_shapes, tmp_path)
    ann = osp.join(root, 'annotations', 'instances_train.json')
    text = open(ann).read()
    open(ann, 'w').write(text[:len(text) // 2])
    with pytest.raises(UserError) as err:
        prepare(tmp_path, root,
                **{'train_dataloader.dataset.generate_if_missing': False})
    msg = one_line(err)
    assert msg.startswith(f'annotation file {ann} is not valid JSON (')
    assert 'probably truncated' in msg
    assert open(ann).read() == text[:len(text) // 2]  # nothing rewritten


def test_classes_that_the_file_does_not_have(tmp_path, tiny_shapes):
    root = copy_of(tiny_shapes, tmp_path)
    with pytest.raises(UserError) as err:
        prepare(tmp_path, root,
                **{'train_dataloader.dataset.generate_if_missing': False,
                   'train_dataloader.dataset.metainfo': dict(
                       classes=('circle', 'cat'))})
    assert "classes ['cat'] of the config are not categories" in one_line(err)


def test_work_dir_that_cannot_be_written(tmp_path, tiny_shapes):
    blocker = tmp_path / 'a_file'
    blocker.write_text('')
    with pytest.raises(UserError) as err:
        prepare_train_config(DEMO, work_dir=str(blocker / 'run'),
                             cfg_options=shapes_overrides(tiny_shapes))
    assert one_line(err).startswith(f'work dir {blocker}/run is not writable')


def test_missing_base_file(tmp_path):
    cfg = tmp_path / 'child.py'
    cfg.write_text("_base_ = ['./no_such_base.py']\n")
    with pytest.raises(UserError) as err:
        prepare_train_config(str(cfg), work_dir=str(tmp_path / 'w'))
    assert one_line(err).startswith(f'cannot load config {cfg}')
    assert 'no_such_base.py' in str(err.value)


def test_checkpoint_of_another_architecture(tmp_path):
    from mmengine.config import Config
    from mmdet.registry import MODELS
    from mmdet.utils import register_all_modules
    import custom_modules  # noqa: F401
    register_all_modules()
    retina = MODELS.build(Config.fromfile(osp.join(REPO, DEMO)).model)
    ssd = MODELS.build(Config.fromfile(osp.join(REPO,
                                                'configs/ssd300.py')).model)
    path = str(tmp_path / 'retina.pth')
    torch.save(dict(state_dict=retina.state_dict(), meta=dict(
        cfg="model = dict(\n    backbone=dict(\n        type='ResNet'),\n"
            "    type='RetinaNet')\n")),
               path)
    check_checkpoint_fits(retina, path)  # its own checkpoint fits
    with pytest.raises(UserError) as err:
        check_checkpoint_fits(ssd, path)
    msg = one_line(err)
    assert msg.startswith(f'checkpoint {path} does not fit SingleStageDetector'
                          ' (it was saved from a RetinaNet): ')
    assert ' model weights it lacks (e.g. backbone.' in msg
    assert ' weights the model does not have (e.g. backbone.' in msg
    assert msg.endswith('Pass the config it was trained with.')


def test_filterable_problems_get_one_warning_with_counts(tmp_path,
                                                         tiny_shapes,
                                                         mmlogger_records):
    import logging
    root = copy_of(tiny_shapes, tmp_path)
    ann = osp.join(root, 'annotations', 'instances_train.json')
    data = json.load(open(ann))
    data['annotations'][0]['bbox'][3] = 0
    data['annotations'][1]['bbox'][0] = -30
    json.dump(data, open(ann, 'w'))
    prepare(tmp_path, root,
            **{'train_dataloader.dataset.generate_if_missing': False})
    [warning] = [r.getMessage() for r in mmlogger_records
                 if r.levelno == logging.WARNING]
    assert warning.startswith(f'warning: {ann}: 8 images, ')
    assert '1 box_outside_image, 1 degenerate_box' in warning
    assert 'tools/validate_dataset.py CONFIG' in warning


def test_none_still_switches_a_numeric_option_off(tmp_path, tiny_shapes):
    cfg = prepare(tmp_path, tiny_shapes,
                  **{'model.bbox_head.loss_cls.alpha': None})
    assert cfg.model.bbox_head.loss_cls.alpha is None
