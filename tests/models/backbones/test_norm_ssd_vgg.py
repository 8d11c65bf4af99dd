"""NormSSDVGG: SSDVGG's layers and names, a BN after each of its 15
convolutions, taps at the same depths, BN that really trains, and an SSD
VGG16 checkpoint that still fills every convolution."""
import pytest
import torch
import torch.nn as nn
from mmdet.models.backbones import SSDVGG

from custom_modules.models.backbones import NormSSDVGG

SSD300_VGG = dict(depth=16, with_last_pool=False, ceil_mode=True,
                  out_indices=(3, 4), out_feature_indices=(22, 34))


def _norms(model):
    return [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]


def test_without_norm_it_is_mmdets_ssdvgg():
    plain, ours = SSDVGG(**SSD300_VGG), NormSSDVGG(**SSD300_VGG)
    assert {k: v.shape for k, v in plain.state_dict().items()} == \
        {k: v.shape for k, v in ours.state_dict().items()}
    assert _norms(ours) == []


def test_a_norm_follows_each_of_the_15_convolutions():
    model = NormSSDVGG(**SSD300_VGG, norm_cfg=dict(type='BN'))
    convs = [m for m in model.features if isinstance(m, nn.Conv2d)]
    norms = _norms(model)
    # VGG16's 13 convolutions plus fc6 and fc7.
    assert len(convs) == len(norms) == 15
    assert [n.num_features for n in norms] == [c.out_channels for c in convs]
    # Conv -> norm -> ReLU, the norm living in the ReLU's old slot.
    assert isinstance(model.features[1].norm, nn.BatchNorm2d)
    assert isinstance(model.features[1].act, nn.ReLU)


def test_taps_are_the_same_layers_as_ssdvggs():
    model = NormSSDVGG(**SSD300_VGG, norm_cfg=dict(type='BN'))
    model.init_weights()
    model.eval()
    with torch.no_grad():
        conv4_3, fc7 = model(torch.rand(1, 3, 300, 300))
    assert tuple(conv4_3.shape) == (1, 512, 38, 38)
    assert tuple(fc7.shape) == (1, 1024, 19, 19)
    # Taken after the ReLU.
    assert conv4_3.min() >= 0 and fc7.min() >= 0


def test_the_norms_train_despite_mmcv_vggs_bn_eval_default():
    """mmcv's VGG.train() would put every BatchNorm in eval mode; then the
    running statistics never move and BN is a fixed affine map."""
    torch.manual_seed(0)
    model = NormSSDVGG(**SSD300_VGG, norm_cfg=dict(type='BN'))
    model.init_weights()
    model.train()
    norms = _norms(model)
    assert all(n.training for n in norms)
    before = norms[0].running_mean.clone()
    model(torch.rand(2, 3, 64, 64) * 5)
    assert not torch.allclose(norms[0].running_mean, before)
    # The default init sets each norm to the identity scale.
    assert all(torch.all(n.weight == 1) and torch.all(n.bias == 0)
               for n in norms)


def test_an_ssd_vgg16_checkpoint_fills_every_convolution(tmp_path):
    torch.manual_seed(1)
    source = SSDVGG(**SSD300_VGG)
    source.init_weights()
    checkpoint = tmp_path / 'vgg16.pth'
    torch.save({'state_dict': source.state_dict()}, checkpoint)
    model = NormSSDVGG(**SSD300_VGG, norm_cfg=dict(type='BN'),
                       init_cfg=dict(type='Pretrained',
                                     checkpoint=str(checkpoint)))
    model.init_weights()
    loaded = model.state_dict()
    for name, value in source.state_dict().items():
        assert torch.equal(loaded[name], value), name


def test_a_quarter_width_keeps_every_layer_and_divides_the_macs_by_16():
    full = NormSSDVGG(**SSD300_VGG, norm_cfg=dict(type='BN'))
    quarter = NormSSDVGG(**SSD300_VGG, norm_cfg=dict(type='BN'),
                         widen_factor=0.25)
    full_convs = [m for m in full.features if isinstance(m, nn.Conv2d)]
    convs = [m for m in quarter.features if isinstance(m, nn.Conv2d)]
    assert [c.out_channels for c in convs] == \
        [c.out_channels // 4 for c in full_convs]
    # The image keeps its 3 channels; every other input is narrowed.
    assert convs[0].in_channels == 3
    assert [c.in_channels for c in convs[1:]] == \
        [c.in_channels // 4 for c in full_convs[1:]]
    # Same geometry, so the same taps at the same resolutions.
    assert [(c.kernel_size, c.stride, c.padding, c.dilation)
            for c in convs] == [(c.kernel_size, c.stride, c.padding,
                                 c.dilation) for c in full_convs]
    assert [n.num_features for n in _norms(quarter)] == \
        [c.out_channels for c in convs]
    # in x out channels per conv: all but conv1_1 are 1/16, conv1_1 1/4.
    weights = sum(c.weight.numel() for c in convs)
    full_weights = sum(c.weight.numel() for c in full_convs)
    expected = (full_convs[0].weight.numel() / 4 +
                sum(c.weight.numel() for c in full_convs[1:]) / 16)
    assert weights == expected < full_weights / 15.9
    quarter.init_weights()
    quarter.eval()
    with torch.no_grad():
        conv4_3, fc7 = quarter(torch.rand(1, 3, 300, 300))
    assert tuple(conv4_3.shape) == (1, 128, 38, 38)
    assert tuple(fc7.shape) == (1, 256, 19, 19)


def test_a_width_above_one_is_refused():
    with pytest.raises(ValueError, match=r'widen_factor must be in \(0, 1\]'):
        NormSSDVGG(**SSD300_VGG, widen_factor=2)
