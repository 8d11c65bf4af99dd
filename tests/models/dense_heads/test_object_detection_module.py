"""ObjectDetectionModule: num_classes + 1 scores and 4 offsets per anchor on
every transferred level."""
import pytest
import torch

from custom_modules.models.dense_heads import ObjectDetectionModule


@pytest.mark.parametrize('cells', [(40, 20, 10, 5), (64, 32, 16, 8)])
def test_output_shapes(cells):
    odm = ObjectDetectionModule(num_classes=6, in_channels=(256, ) * 4,
                                num_anchors=3)
    odm.init_weights()
    transferred = [torch.rand(2, 256, s, s) for s in cells]
    with torch.no_grad():
        scores, offsets = odm(transferred)
    assert odm.num_scores == 7  # six classes + background
    assert [tuple(s.shape) for s in scores] == \
        [(2, 3 * 7, s, s) for s in cells]
    assert [tuple(o.shape) for o in offsets] == \
        [(2, 3 * 4, s, s) for s in cells]


def test_xavier_init():
    odm = ObjectDetectionModule(num_classes=2, in_channels=(8, ),
                                num_anchors=3)
    odm.init_weights()
    for conv in list(odm.class_convs) + list(odm.offset_convs):
        assert conv.kernel_size == (3, 3)
        assert torch.all(conv.bias == 0)
