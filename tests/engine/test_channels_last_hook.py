"""ChannelsLastHook: the real Runner trains the demo config in NHWC, the
numbers do not change with the layout, and two-stage detectors are refused
because mmcv's RoIAlign would read NHWC memory as NCHW."""
import copy

import pytest
import torch
from mmengine.config import Config

from conftest import shapes_overrides
from custom_modules.errors import UserError
from custom_modules.engine.channels_last_hook import (ChannelsLastHook,
                                                      to_channels_last)

CL = torch.channels_last


def _build(config):
    from mmdet.registry import MODELS
    from mmdet.utils import register_all_modules
    register_all_modules()
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(config).model)
    model.init_weights()
    return model


def test_nhwc_model_computes_what_the_nchw_one_does():
    nchw = _build('configs/retinanet_r50_fpn.py').eval()
    nhwc = copy.deepcopy(nchw)
    changed = to_channels_last(nhwc)
    convs = [m for m in nhwc.modules() if isinstance(m, torch.nn.Conv2d)]
    # Every conv weight changed layout (the 1x1 convs of shape [o, i, 1, 1]
    # are contiguous either way, so they are not counted as changed).
    assert all(m.weight.is_contiguous(memory_format=CL) for m in convs)
    assert 0 < changed <= len(convs)
    x = torch.randn(2, 3, 96, 128, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        feats_nchw = nchw.extract_feat(x)
        feats_nhwc = nhwc.extract_feat(x)
        cls_a, box_a = nchw.bbox_head(feats_nchw)
        cls_b, box_b = nhwc.bbox_head(feats_nhwc)
    # The layout propagates from the weights: the FPN levels come out NHWC.
    assert feats_nhwc[0].is_contiguous(memory_format=CL)
    assert not feats_nchw[0].is_contiguous(memory_format=CL)
    for a, b in zip(cls_a + box_a, cls_b + box_b):
        assert torch.allclose(a, b, atol=1e-4, rtol=1e-4)


def test_two_stage_detectors_are_refused_with_the_reason():
    model = _build('configs/faster_rcnn_r50_fpn.py')
    with pytest.raises(UserError, match="FasterRCNN: mmcv's RoIAlign reads "
                       'NCHW memory.*remove ChannelsLastHook'):
        to_channels_last(model)
    # Nothing was converted before the refusal.
    assert not model.backbone.conv1.weight.is_contiguous(memory_format=CL)


def test_enabled_must_be_a_bool():
    with pytest.raises(TypeError, match="True or False, got 'yes'"):
        ChannelsLastHook(enabled='yes')


@pytest.mark.slow  # an end-to-end run: make test, not test-fast
@pytest.mark.parametrize('enabled', [True, False])
def test_runner_trains_the_demo_config_in_the_layout_asked_for(
        tiny_shapes, tmp_path, enabled):
    from mmengine.runner import Runner

    from custom_modules.apis.train import prepare_train_config
    options = shapes_overrides(tiny_shapes)
    options.update({'train_cfg.max_iters': 2, 'train_cfg.val_interval': 2,
                    'default_hooks.checkpoint.interval': 2,
                    'custom_hooks.1.enabled': enabled})
    cfg = prepare_train_config('configs/retinanet_r50_fpn.py',
                               work_dir=str(tmp_path), cfg_options=options)
    assert cfg.custom_hooks[1] == dict(type='ChannelsLastHook',
                                       enabled=enabled)
    runner = Runner.from_cfg(cfg)
    runner.train()
    weight = runner.model.backbone.conv1.weight
    assert weight.is_contiguous(memory_format=CL) is enabled
    loss = runner.message_hub.get_scalar('train/loss').current()
    assert 0 < loss < 100
    # The checkpoint holds values, not a layout: it loads into a fresh NCHW
    # model and gives back the trained weights.
    state = torch.load(tmp_path / 'iter_2.pth', map_location='cpu',
                       weights_only=False)['state_dict']
    fresh = _build('configs/retinanet_r50_fpn.py')
    fresh.load_state_dict(state)
    assert torch.equal(fresh.backbone.conv1.weight, weight.detach())
    assert not fresh.backbone.conv1.weight.is_contiguous(memory_format=CL)
