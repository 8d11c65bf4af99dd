"""tools/test.py --fuse-conv-bn: the real Runner tests the embedded SSD300
with every BatchNorm folded away, after its checkpoint is loaded, and still
evaluates through pycocotools."""
import pytest
import torch
import torch.nn as nn
from mmengine.config import Config

from custom_modules.apis.test import prepare_test_config
from conftest import shapes_overrides


@pytest.mark.slow  # an end-to-end run: make test, not test-fast
def test_runner_tests_the_folded_model(tiny_shapes, tmp_path):
    from mmdet.registry import MODELS
    from mmdet.utils import register_all_modules
    from mmengine.runner import Runner
    register_all_modules()
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile('configs/ssd300.py').model)
    model.init_weights()
    norms = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    # Statistics a trained model would have; the hook must fold these,
    # loaded from the checkpoint, not the fresh model's.
    for m in norms:
        m.running_var.fill_(4.)
    checkpoint = tmp_path / 'ssd300.pth'
    torch.save({'state_dict': model.state_dict()}, checkpoint)

    cfg = prepare_test_config('configs/ssd300.py', str(checkpoint),
                              work_dir=str(tmp_path / 'work'),
                              cfg_options=shapes_overrides(tiny_shapes),
                              fuse_conv_bn=True)
    assert cfg.custom_hooks[-1] == dict(type='FuseConvBNHook')
    runner = Runner.from_cfg(cfg)
    conv = runner.model.backbone.features[0]
    metrics = runner.test()
    assert 'coco/bbox_mAP' in metrics
    assert not any(isinstance(m, nn.BatchNorm2d)
                   for m in runner.model.modules())
    # conv1_1 absorbed its BN: weight scaled by 1 / sqrt(4 + eps).
    assert torch.allclose(conv.weight,
                          model.backbone.features[0].weight / (4 + 1e-5)**.5)
