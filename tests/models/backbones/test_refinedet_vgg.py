"""RefineDetVGG: four source maps at strides 8/16/32/64 with the right
channels, L2Norm scales 10 and 8, and parameter names that an SSD VGG16
checkpoint fills."""
import pytest
import torch
import torch.nn as nn
from mmdet.models.backbones import SSDVGG

from custom_modules.models.backbones import RefineDetVGG


@pytest.fixture(scope='module')
def backbone():
    torch.manual_seed(0)
    model = RefineDetVGG()
    model.init_weights()
    # mmcv's VGG.train() returns None, so eval() cannot be chained.
    model.eval()
    return model


@pytest.mark.parametrize('size, cells', [(320, (40, 20, 10, 5)),
                                         (512, (64, 32, 16, 8))])
def test_source_maps_have_the_paper_sizes(backbone, size, cells):
    with torch.no_grad():
        maps = backbone(torch.rand(1, 3, size, size))
    assert [m.shape[1] for m in maps] == [512, 512, 1024, 512]
    assert list(backbone.out_channels) == [512, 512, 1024, 512]
    assert [tuple(m.shape[-2:]) for m in maps] == [(c, c) for c in cells]


def test_l2_norm_scales_are_learned_and_start_at_10_and_8(backbone):
    assert torch.all(backbone.conv4_3_norm.weight == 10)
    assert torch.all(backbone.conv5_3_norm.weight == 8)
    assert backbone.conv4_3_norm.weight.requires_grad
    with torch.no_grad():
        conv4_3, conv5_3, _, _ = backbone(torch.rand(1, 3, 64, 64))
    # Every position's channel vector has norm = scale (where not all zero).
    for feature, scale in ((conv4_3, 10.), (conv5_3, 8.)):
        norms = feature.norm(dim=1)
        alive = norms > 0
        assert alive.any()
        assert torch.allclose(norms[alive], torch.full_like(norms[alive],
                                                            scale), rtol=1e-4)


def test_fc6_is_dilated_and_pool5_halves(backbone):
    fc6 = backbone.features[31]
    assert isinstance(fc6, nn.Conv2d)
    assert fc6.dilation == (3, 3) and fc6.padding == (3, 3)
    assert tuple(fc6.weight.shape) == (1024, 512, 3, 3)
    pool5 = backbone.features[30]
    assert isinstance(pool5, nn.MaxPool2d)
    assert pool5.kernel_size == 2 and pool5.stride == 2
    conv6_2 = backbone.extra[2]
    assert conv6_2.stride == (2, 2) and conv6_2.out_channels == 512


def test_extra_layers_get_xavier_and_zero_bias(backbone):
    for conv in (backbone.extra[0], backbone.extra[2]):
        assert torch.all(conv.bias == 0)
        fan_in = conv.in_channels * conv.kernel_size[0] * conv.kernel_size[1]
        fan_out = conv.out_channels * conv.kernel_size[0] * \
            conv.kernel_size[1]
        bound = (6 / (fan_in + fan_out))**0.5
        assert conv.weight.abs().max() <= bound + 1e-6


def test_ssd_vgg16_checkpoint_loads_into_the_same_names(tmp_path):
    """The layers RefineDetVGG shares with mmdet's SSDVGG keep SSDVGG's
    parameter names and shapes, so a pretrained SSD VGG16 file (here: a
    freshly initialised SSDVGG saved to disk) initialises all of them, while
    the new layers still get their own init."""
    torch.manual_seed(1)
    source = SSDVGG(depth=16, with_last_pool=False, ceil_mode=True,
                    out_indices=(3, 4), out_feature_indices=(22, 34))
    source.init_weights()
    checkpoint = tmp_path / 'vgg16.pth'
    torch.save({'state_dict': source.state_dict()}, checkpoint)

    model = RefineDetVGG(
        init_cfg=dict(type='Pretrained', checkpoint=str(checkpoint)))
    model.init_weights()
    loaded = model.state_dict()
    for name, value in source.state_dict().items():
        assert torch.equal(loaded[name], value), name
    assert torch.all(model.conv4_3_norm.weight == 10)
    assert torch.all(model.conv5_3_norm.weight == 8)
    assert torch.all(model.extra[0].bias == 0)


def test_only_vgg16_is_defined():
    with pytest.raises(ValueError, match='VGG16'):
        RefineDetVGG(depth=19)


def test_norm_cfg_puts_a_norm_after_all_17_convolutions():
    """conv1_1..conv5_3, fc6, fc7 and conv6_1/conv6_2; the extra block keeps
    its Xavier init, the norms start at weight 1 / bias 0, and every layer
    keeps the name that a plain RefineDetVGG gives it."""
    torch.manual_seed(0)
    model = RefineDetVGG(norm_cfg=dict(type='BN'))
    model.init_weights()
    model.train()
    norms = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    assert len(norms) == 17
    assert [n.num_features for n in norms[-4:]] == [1024, 1024, 256, 512]
    assert all(n.training for n in norms)
    assert all(torch.all(n.weight == 1) for n in norms)
    for conv in (model.extra[0], model.extra[2]):
        assert isinstance(conv, nn.Conv2d)
        assert torch.all(conv.bias == 0)
        fan_in = conv.in_channels * conv.kernel_size[0] * conv.kernel_size[1]
        fan_out = conv.out_channels * conv.kernel_size[0] * \
            conv.kernel_size[1]
        assert conv.weight.abs().max() <= (6 / (fan_in + fan_out))**0.5 + 1e-6
    plain_names = set(RefineDetVGG().state_dict())
    assert plain_names <= set(model.state_dict())
    maps = model(torch.rand(2, 3, 320, 320))
    assert [tuple(m.shape[-2:]) for m in maps] == [(40, 40), (20, 20),
                                                    (10, 10), (5, 5)]


def test_a_quarter_width_narrows_the_four_source_maps():
    model = RefineDetVGG(norm_cfg=dict(type='BN'), widen_factor=0.25,
                         extra_channels=(64, 128))
    model.init_weights()
    model.eval()
    assert model.out_channels == (128, 128, 256, 128)
    # fc6 (dilated 3x3) and the extra block's 1x1 take the narrowed widths.
    assert tuple(model.features[31].weight.shape) == (256, 128, 3, 3)
    assert model.extra[0].in_channels == 256
    assert model.conv4_3_norm.weight.numel() == 128
    with torch.no_grad():
        maps = model(torch.rand(1, 3, 320, 320))
    assert [m.shape[1] for m in maps] == [128, 128, 256, 128]
    assert [tuple(m.shape[-2:]) for m in maps] == [(40, 40), (20, 20),
                                                  (10, 10), (5, 5)]
