"""Every top-level (embedded) config builds its detector through the mmdet
registries, takes a real training step on embedded images (finite losses,
gradients reach the backbone) and predicts."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.dataset import pseudo_collate

from conftest import REPO, shapes_overrides
from custom_modules.apis.config import import_plugins, load_config

# End-to-end runs of the real tools: make test-fast skips them.
pytestmark = pytest.mark.slow

CONFIGS = sorted(osp.relpath(p, REPO)
                 for p in glob.glob(osp.join(REPO, 'configs', '*.py')))


def test_all_detectors_have_an_embedded_config():
    names = {osp.basename(c)[:-3] for c in CONFIGS}
    assert {'ssd300', 'ssd512', 'retinanet_r50_fpn', 'faster_rcnn_r50_fpn',
            'mask_rcnn_r50_fpn', 'cascade_rcnn_r50_fpn',
            'cascade_mask_rcnn_r50_fpn'} <= names


@pytest.mark.parametrize('config', CONFIGS)
def test_train_step_and_predict(config, tiny_shapes):
    from mmdet.registry import DATASETS, MODELS
    torch.manual_seed(0)
    cfg = load_config(config, shapes_overrides(tiny_shapes))
    import_plugins(cfg)
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.train()

    train_set = DATASETS.build(cfg.train_dataloader.dataset)
    data = model.data_preprocessor(pseudo_collate([train_set[0],
                                                   train_set[1]]), True)
    losses = model(**data, mode='loss')
    total, log_vars = model.parse_losses(losses)
    assert torch.isfinite(total), log_vars
    assert total.item() > 0
    total.backward()
    first_conv = next(p for n, p in model.backbone.named_parameters()
                      if p.dim() == 4)
    assert first_conv.grad is not None and first_conv.grad.abs().sum() > 0
    with_mask = 'mask' in osp.basename(config)
    if with_mask:
        assert any('mask' in k for k in losses)

    model.eval()
    val_set = DATASETS.build(cfg.val_dataloader.dataset)
    with torch.no_grad():
        out = model.test_step(pseudo_collate([val_set[0]]))
    pred = out[0].pred_instances
    n = len(pred)
    assert pred.bboxes.shape == (n, 4)
    assert pred.scores.shape == (n, )
    if n:
        assert 0 <= int(pred.labels.min()) and int(pred.labels.max()) < 6
        h, w = out[0].ori_shape
        assert float(pred.bboxes[:, 2].max()) <= w + 1
        assert float(pred.bboxes[:, 3].max()) <= h + 1
        if with_mask:
            assert pred.masks.shape[1:] == (h, w)
