"""The training-speed comparison: variant parsing, and a real interleaved
timing of two variants of a config on embedded images."""
import pytest

from conftest import shapes_overrides
from custom_modules.analysis.train_speed import (parse_variant,
                                                 render_markdown,
                                                 time_train_interleaved)


def test_parse_variant():
    assert parse_variant('bf16:optim_wrapper.enabled=True,'
                         'train_dataloader.batch_size=4,x.mode=fast') == (
        'bf16', {'optim_wrapper.enabled': True,
                 'train_dataloader.batch_size': 4, 'x.mode': 'fast'})
    assert parse_variant('as-is:') == ('as-is', {})
    with pytest.raises(ValueError, match='has no name'):
        parse_variant(':a=1')
    with pytest.raises(ValueError, match="'a' is not KEY=VALUE"):
        parse_variant('v:a')
    with pytest.raises(ValueError, match="'fp32' has no colon"):
        parse_variant('fp32')


@pytest.mark.slow  # an end-to-end run: make test, not test-fast
def test_two_variants_timed_on_the_same_batches(tiny_shapes):
    base = shapes_overrides(tiny_shapes, batch_size=2)
    variants = {'b2': dict(base), 'b1': dict(base)}
    variants['b1']['train_dataloader.batch_size'] = 1
    rows = time_train_interleaved('configs/retinanet_r50_fpn.py', variants,
                                  iters=2, warmup=1)
    assert [r['name'] for r in rows] == ['b2', 'b1']
    assert [r['batch_size'] for r in rows] == [2, 1]
    for r in rows:
        assert r['iters'] == 2 and r['s_median'] > 0
        assert r['loss_first'] > 0 and r['loss_last'] > 0
        # loading a batch through the train pipeline is timed apart
        assert 0 < r['load_s_median'] < 60
    md = render_markdown('configs/retinanet_r50_fpn.py', rows,
                         {'cpu': 'x', 'cores': '2'}, 'cmd')
    table = [ln for ln in md.splitlines() if ln.startswith('| b')]
    assert len(table) == 2
    assert table[0].split('|')[7].strip() == '1.00'  # speed-up of the base


def test_steps_can_start_from_a_checkpoint(tiny_shapes, tmp_path):
    """zoo_cost times steps from trained weights: _build loads them over
    the seeded initialisation."""
    import torch

    from custom_modules.analysis.train_speed import _build
    options = shapes_overrides(tiny_shapes, batch_size=1)
    _, model, _ = _build('configs/retinanet_r50_fpn.py', dict(options), 0)
    trained = {k: v.clone() for k, v in model.state_dict().items()}
    bias = 'bbox_head.retina_cls.bias'
    trained[bias].fill_(-1.25)
    ckpt = tmp_path / 'trained.pth'
    torch.save({'state_dict': trained, 'meta': {}}, ckpt)
    _, init, _ = _build('configs/retinanet_r50_fpn.py', dict(options), 0)
    _, loaded, _ = _build('configs/retinanet_r50_fpn.py', dict(options), 0,
                          checkpoint=str(ckpt))
    assert not torch.equal(init.state_dict()[bias], trained[bias])
    assert torch.equal(loaded.state_dict()[bias], trained[bias])
    assert loaded.training
