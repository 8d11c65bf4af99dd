"""MACs are counted per call, with the formulas worked out by hand."""
import os.path as osp

import pytest
import torch
from torch import nn

from custom_modules.analysis import model_complexity as mc


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.down = nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=2)
        self.up = nn.ConvTranspose2d(8, 4, 2, stride=2)
        self.fc = nn.Linear(400, 10)

    def forward(self, x):
        x = self.up(self.down(self.stem(x)))
        return self.fc(x.flatten(1))


def test_formulas_by_hand():
    model = Tiny()
    rows = mc.layer_macs(model, lambda: model(torch.zeros(1, 3, 10, 10)))
    by_name = {r['name']: r['macs'] for r in rows}
    assert by_name == {
        'stem': 10 * 10 * 8 * 3 * 9,            # out positions x weights
        'down': 5 * 5 * 8 * (8 // 2) * 9,       # groups=2 halves C_in
        'up': 5 * 5 * 8 * 4 * 2 * 2,            # input positions x kernel
        'fc': 400 * 10,
    }
    assert [r['output_shape'] for r in rows] == [
        (1, 8, 10, 10), (1, 8, 5, 5), (1, 4, 10, 10), (1, 10)]
    # The hooks are gone afterwards: a second forward adds no rows.
    model(torch.zeros(1, 3, 10, 10))
    assert len(rows) == 4


def test_batch_and_repeated_calls_are_counted():
    conv = nn.Conv2d(2, 2, 1)
    model = nn.Sequential(conv, conv)  # one layer, called twice
    rows = mc.layer_macs(model, lambda: model(torch.zeros(3, 2, 4, 4)))
    assert [r['macs'] for r in rows] == [3 * 16 * 2 * 2] * 2
    # A Linear on RoIs: every leading dimension is a row.
    fc = nn.Linear(6, 5)
    rows = mc.layer_macs(fc, lambda: fc(torch.zeros(7, 2, 6)))
    assert rows[0]['macs'] == 14 * 6 * 5


def test_grouping_by_name_prefix():
    rows = [dict(name='backbone.layer1.conv', macs=5),
            dict(name='neck.lateral', macs=2),
            dict(name='backbone.layer2.conv', macs=1)]
    assert mc.group_macs(rows, 1) == {'backbone': 6, 'neck': 2}
    assert list(mc.group_macs(rows, 2)) == [
        'backbone.layer1', 'neck.lateral', 'backbone.layer2']


@pytest.fixture
def refinedet_tiny(tiny_shapes, tmp_path):
    config = tmp_path / 'refinedet320_tiny.py'
    config.write_text(
        f"_base_ = '{osp.abspath('configs/refinedet320.py')}'\n"
        f"test_dataloader = dict(dataset=dict(data_root='{tiny_shapes}/'))\n")
    return str(config)


def test_refinedet320_through_the_registry(refinedet_tiny):
    """The TCB's first conv on the stride-8 map: 512 -> 256 channels, 3x3,
    on 40x40 cells of the 320 px input."""
    result = mc.measure_config(refinedet_tiny)
    assert result['input_shape'] == (3, 320, 320)
    layers = {r['name']: r for r in result['layers']}
    tcb = layers['neck.blocks.0.lateral.0']
    assert tcb['output_shape'] == (1, 256, 40, 40)
    assert tcb['macs'] == 40 * 40 * 256 * 512 * 9
    # conv1_2 of VGG16 at full resolution: 64 -> 64 channels, 3x3.
    assert layers['backbone.features.2']['macs'] == 320 * 320 * 64 * 64 * 9
    assert list(result['components']) == ['backbone', 'neck', 'bbox_head']
    assert sum(result['components'].values()) == result['total_macs']
    md = mc.render_markdown([result, result], {'cpu': 'x'}, 'cmd', top=2)
    assert f"| refinedet320_tiny | initial | (3, 320, 320) | " \
           f"{result['total_macs'] / 1e9:.2f} | 1.000 |" in md
    # VGG16's six costliest convs tie at 3.77 G each: 320^2*64^2*9 is
    # 160^2*128^2*9 is 80^2*256^2*9 ...
    top = md.split('## The 2 most expensive layers of each')[1]
    rows = [ln for ln in top.splitlines() if ln.startswith('| refinedet')]
    assert len(rows) == 4
    assert all(ln.endswith('| 3.77 |') for ln in rows)
