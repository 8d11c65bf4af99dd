"""tools/analysis/focal_loss_cdf.py on a real checkpoint of the ablation
model: the head's logits and the assigner's targets of the val images give
positive and negative samples, a PNG and a JSON."""
import pytest
import json
import subprocess
import sys

import torch
from conftest import REPO, shapes_overrides

CONFIG = 'configs/ablations/retinanet_r18_fpn_160_focal_ablation.py'


@pytest.mark.slow  # an end-to-end run: make test, not test-fast
def test_cdf_tool_on_a_checkpoint(tiny_shapes, tmp_path):
    from custom_modules.apis.config import import_plugins, load_config
    from mmdet.registry import MODELS
    cfg = load_config(CONFIG)
    import_plugins(cfg)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()   # the prior-0.01 bias: p ~ 0.01 on every anchor
    ckpt = tmp_path / 'iter_1.pth'
    torch.save({'meta': {}, 'state_dict': model.state_dict()}, ckpt)

    opts = shapes_overrides(tiny_shapes)
    opts['val_dataloader.dataset.pipeline.1.scale'] = '(96,96)'
    proc = subprocess.run(
        [sys.executable, 'tools/analysis/focal_loss_cdf.py', CONFIG,
         str(ckpt), '--gammas', '0,2', '--out-dir', str(tmp_path / 'out'),
         '--neg-per-image', '0', '--cfg-options',
         *[f'{k}={v}' for k, v in opts.items()]],
        cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.load(open(tmp_path / 'out' / 'focal_loss_cdf.json'))
    assert result['num_images'] == 4
    assert set(result['gammas']) == {'0.0', '2.0'}
    # 96 px: P3-P7 maps of 12, 6, 3, 2, 1 cells (the padded 96x96 input),
    # 9 anchors each, 6 classes: at most 194 * 9 * 6 negative terms/image.
    assert 0 < result['num_positive'] < result['num_negative'] <= \
        4 * 194 * 9 * 6
    neg = result['gammas']['2.0']['negative']
    assert neg['cumulative_loss'][-1] == 1.0
    assert (tmp_path / 'out' / 'focal_loss_cdf.png').read_bytes()[:4] == \
        b'\x89PNG'
    assert 'hardest 1% / 10%' in proc.stdout
