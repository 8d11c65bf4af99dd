"""AnchorRefinementModule: 2 objectness scores and 4 offsets per anchor on
every source level."""
import pytest
import torch

from custom_modules.models.dense_heads import AnchorRefinementModule


@pytest.mark.parametrize('cells', [(40, 20, 10, 5), (64, 32, 16, 8)])
def test_output_shapes(cells):
    arm = AnchorRefinementModule(in_channels=(512, 512, 1024, 512),
                                 num_anchors=3)
    arm.init_weights()
    sources = [torch.rand(2, c, s, s)
               for c, s in zip((512, 512, 1024, 512), cells)]
    with torch.no_grad():
        objectness, offsets = arm(sources)
    assert [tuple(o.shape) for o in objectness] == \
        [(2, 3 * 2, s, s) for s in cells]
    assert [tuple(o.shape) for o in offsets] == \
        [(2, 3 * 4, s, s) for s in cells]


def test_is_a_two_score_classifier_with_xavier_init():
    arm = AnchorRefinementModule(in_channels=(8, 8), num_anchors=3)
    arm.init_weights()
    assert arm.num_scores == 2
    for conv in list(arm.objectness_convs) + list(arm.offset_convs):
        assert conv.kernel_size == (3, 3)
        assert torch.all(conv.bias == 0)
