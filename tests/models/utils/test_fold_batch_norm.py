"""fold_batch_norms: the folded network computes what the unfolded one did,
the folded weights are the hand-derived ones, only conv-fed BNs are folded,
and a model in training mode is refused."""
import pytest
import torch
import torch.nn as nn
from mmengine.config import Config

from custom_modules.models.utils import fold_batch_norms


def _randomise_statistics(model, seed=0):
    """Give every BN non-trivial statistics and affine weights, as training
    would, so that folding has something to fold."""
    g = torch.Generator().manual_seed(seed)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n, generator=g))
            m.running_var.copy_(torch.rand(n, generator=g) + 0.5)
            m.weight.data.copy_(torch.rand(n, generator=g) + 0.5)
            m.bias.data.copy_(torch.randn(n, generator=g))


def test_one_conv_and_bn_fold_to_the_hand_derived_weights():
    conv = nn.Conv2d(1, 2, kernel_size=1, bias=True)
    conv.weight.data = torch.tensor([[[[2.]]], [[[-1.]]]])
    conv.bias.data = torch.tensor([1., 0.])
    bn = nn.BatchNorm2d(2, eps=0.)
    bn.running_mean.copy_(torch.tensor([3., 1.]))
    bn.running_var.copy_(torch.tensor([4., 1.]))
    bn.weight.data = torch.tensor([0.5, 2.])
    bn.bias.data = torch.tensor([1., -1.])
    model = nn.Sequential(conv, bn).eval()
    folded = fold_batch_norms(model, lambda: model(torch.ones(1, 1, 2, 2)))
    assert folded == ['1']
    assert isinstance(model[1], nn.Identity)
    # scale = gamma / sqrt(var): 0.25 and 2; w' = scale * w,
    # b' = scale * (b - mean) + beta = 0.25 * (1 - 3) + 1, 2 * (0 - 1) - 1.
    assert model[0].weight.flatten().tolist() == [0.5, -2.]
    assert model[0].bias.tolist() == [0.5, -3.]


def test_only_a_bn_fed_directly_by_a_conv_is_folded():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 4, 3, padding=1)
            self.block = nn.Sequential(nn.BatchNorm2d(4), nn.ReLU())
            self.pool_bn = nn.BatchNorm2d(4)    # fed by a pooling
            self.up = nn.ConvTranspose2d(4, 4, 2, stride=2)
            self.up_bn = nn.BatchNorm2d(4)

        def forward(self, x):
            x = self.block(self.conv(x))
            x = self.pool_bn(nn.functional.max_pool2d(x, 2))
            return self.up_bn(self.up(x))

    torch.manual_seed(0)
    model = Net()
    _randomise_statistics(model)
    model.eval()
    x = torch.rand(2, 3, 8, 8)
    expected = model(x)
    folded = fold_batch_norms(model, lambda: model(x))
    assert sorted(folded) == ['block.0', 'up_bn']
    assert isinstance(model.pool_bn, nn.BatchNorm2d)
    assert torch.allclose(model(x), expected, atol=1e-5)


def test_a_model_in_training_mode_is_refused():
    model = nn.Sequential(nn.Conv2d(1, 1, 1), nn.BatchNorm2d(1))
    with pytest.raises(ValueError, match='eval mode'):
        fold_batch_norms(model, lambda: None)


@pytest.mark.parametrize('config', ['configs/ssd300.py',
                                    'configs/refinedet320.py'])
def test_embedded_detectors_predict_the_same_after_folding(config):
    """Every BN of the embedded SSD/RefineDet (VGG trunk, extra layers, TCB)
    is folded and the raw head outputs do not change."""
    from mmdet.registry import MODELS
    from mmdet.utils import register_all_modules
    register_all_modules()
    cfg = Config.fromfile(config)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    _randomise_statistics(model)
    model.eval()
    size = 320 if 'refinedet' in config else 300
    x = torch.rand(1, 3, size, size)
    expected = model._forward(x)
    norms = [n for n, m in model.named_modules()
             if isinstance(m, nn.BatchNorm2d)]
    folded = fold_batch_norms(model, lambda: model._forward(x))
    assert sorted(folded) == sorted(norms)
    got = model._forward(x)
    flat = [t for group in expected for t in
            (group if isinstance(group, (list, tuple)) else [group])]
    flat_got = [t for group in got for t in
                (group if isinstance(group, (list, tuple)) else [group])]
    assert len(flat) == len(flat_got) > 0
    for a, b in zip(flat, flat_got):
        assert torch.allclose(a, b, rtol=1e-3, atol=1e-3)
