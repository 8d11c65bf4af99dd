"""TransferConnectionBlock: one block per level, 256-channel outputs of the
source sizes, information flowing top-down only, learned 2x up-sampling."""
import pytest
import torch
import torch.nn as nn

from custom_modules.models.necks import TransferConnectionBlock

IN_CHANNELS = (512, 512, 1024, 512)


def _sources(cells, batch_size=1):
    return [
        torch.rand(batch_size, c, s, s) for c, s in zip(IN_CHANNELS, cells)
    ]


@pytest.fixture(scope='module')
def tcb():
    torch.manual_seed(0)
    neck = TransferConnectionBlock(IN_CHANNELS, out_channels=256)
    neck.init_weights()
    return neck.eval()


@pytest.mark.parametrize('cells', [(40, 20, 10, 5), (64, 32, 16, 8),
                                   # 300 px: 38 is not twice 19 -> crop.
                                   (38, 19, 10, 5)])
def test_outputs_keep_the_source_sizes_with_256_channels(tcb, cells):
    with torch.no_grad():
        outs = tcb(_sources(cells, batch_size=2))
    assert [tuple(o.shape) for o in outs] == [(2, 256, s, s) for s in cells]
    # The block ends in a ReLU.
    assert all(o.min() >= 0 for o in outs)


def test_information_flows_top_down_only(tcb):
    cells = (8, 4, 2, 1)
    sources = _sources(cells)
    with torch.no_grad():
        base = tcb(sources)
        changed_coarsest = tcb(sources[:3] + [torch.rand_like(sources[3])])
        changed_finest = tcb([torch.rand_like(sources[0])] + sources[1:])
    # The coarsest input reaches every level ...
    for level in range(4):
        assert not torch.allclose(base[level], changed_coarsest[level])
    # ... the finest input reaches no coarser level.
    assert not torch.allclose(base[0], changed_finest[0])
    for level in range(1, 4):
        assert torch.equal(base[level], changed_finest[level])


def test_every_level_but_the_coarsest_upsamples_with_a_deconv(tcb):
    assert len(tcb.blocks) == 4
    for block in tcb.blocks[:3]:
        assert isinstance(block.upsample, nn.ConvTranspose2d)
        assert block.upsample.kernel_size == (2, 2)
        assert block.upsample.stride == (2, 2)
        assert torch.all(block.upsample.bias == 0)  # Xavier init, bias 0
    assert tcb.blocks[3].upsample is None


def test_norm_cfg_normalises_every_convolution_and_the_upsampling():
    plain = TransferConnectionBlock(IN_CHANNELS, out_channels=256)
    normed = TransferConnectionBlock(
        IN_CHANNELS, out_channels=256, norm_cfg=dict(type='BN'))
    # Without it, no norm layer: the paper's TCB.
    assert not any(isinstance(m, nn.BatchNorm2d) for m in plain.modules())
    norms = [m for m in normed.modules() if isinstance(m, nn.BatchNorm2d)]
    # Three convolutions per level, plus the three up-samplings.
    assert len(norms) == 4 * 3 + 3
    assert set(plain.state_dict()) <= set(normed.state_dict())
    normed.init_weights()
    outs = normed(_sources((8, 4, 2, 1), batch_size=2))
    assert [tuple(o.shape) for o in outs] == [(2, 256, s, s)
                                              for s in (8, 4, 2, 1)]
    assert all(o.min() >= 0 for o in outs)
