"""RefineDetResNet: ResNet-101's res3/res4/res5 plus one extra residual
block give the four source maps at strides 8/16/32/64; the ImageNet trunk is
frozen as configured while the extra block trains; a torchvision-layout
checkpoint fills the trunk and leaves the extra block to its own init; the
COCO recipe trains through the registry."""
import pytest
import torch
from mmengine.config import Config
from mmdet.models.backbones import ResNet
from mmdet.registry import MODELS
from mmdet.utils import register_all_modules

from custom_modules.models.backbones import RefineDetResNet

register_all_modules(init_default_scope=True)

RECIPE = 'configs/coco/refinedet512_r101_coco.py'


@pytest.fixture(scope='module')
def resnet101():
    torch.manual_seed(0)
    model = RefineDetResNet(depth=101, frozen_stages=1, norm_eval=True)
    model.init_weights()
    return model


@pytest.mark.parametrize('size, cells', [(320, (40, 20, 10, 5)),
                                         (512, (64, 32, 16, 8))])
def test_source_maps_have_refinedets_strides(resnet101, size, cells):
    resnet101.eval()
    with torch.no_grad():
        maps = resnet101(torch.rand(1, 3, size, size))
    assert [m.shape[1] for m in maps] == [512, 1024, 2048, 512]
    assert resnet101.out_channels == (512, 1024, 2048, 512)
    assert [tuple(m.shape[-2:]) for m in maps] == [(c, c) for c in cells]


def test_it_is_resnet101_truncated_after_res5(resnet101):
    # res4b22: ResNet-101's third stage has 23 blocks (res4a .. res4b22).
    assert [len(stage) for stage in (resnet101.layer1, resnet101.layer2,
                                     resnet101.layer3, resnet101.layer4)
            ] == [3, 4, 23, 3]
    block, = resnet101.extra
    assert block.conv2.stride == (2, 2)
    # A projection shortcut: 2048 -> 512 channels at stride 2.
    assert block.downsample[0].in_channels == 2048
    assert block.downsample[0].out_channels == 512
    assert block.downsample[0].stride == (2, 2)


def test_trunk_bn_is_frozen_but_the_extra_block_learns_its_statistics(
        resnet101):
    resnet101.train()
    assert not resnet101.layer3[0].bn1.training
    assert resnet101.extra[0].bn1.training
    assert resnet101.extra[0].downsample[1].training
    # frozen_stages=1: the stem and res2 take no gradient, res3 does.
    assert not resnet101.conv1.weight.requires_grad
    assert not resnet101.layer1[0].conv1.weight.requires_grad
    assert resnet101.layer2[0].conv1.weight.requires_grad
    before = resnet101.extra[0].bn1.running_mean.clone()
    frozen_before = resnet101.layer2[0].bn1.running_mean.clone()
    resnet101(torch.rand(2, 3, 128, 128))
    assert not torch.equal(resnet101.extra[0].bn1.running_mean, before)
    assert torch.equal(resnet101.layer2[0].bn1.running_mean, frozen_before)


def test_torchvision_layout_checkpoint_fills_the_trunk_only(tmp_path):
    """mmdet's ResNet has torchvision's parameter names, so an ImageNet file
    (here: a freshly initialised ResNet-50 saved to disk) initialises every
    trunk layer; the extra block keeps its own init (BN weight 1)."""
    torch.manual_seed(1)
    source = ResNet(depth=50)
    source.init_weights()
    with torch.no_grad():
        source.layer3[0].bn3.weight.fill_(0.5)  # not the default init
    checkpoint = tmp_path / 'resnet50.pth'
    torch.save(source.state_dict(), checkpoint)

    torch.manual_seed(2)
    target = RefineDetResNet(
        depth=50,
        init_cfg=dict(type='Pretrained', checkpoint=str(checkpoint)))
    target.init_weights()
    theirs = source.state_dict()
    ours = target.state_dict()
    trunk = [k for k in ours if not k.startswith('extra.')]
    assert trunk and all(torch.equal(ours[k], theirs[k]) for k in trunk)
    assert torch.all(target.extra[0].bn3.weight == 1)
    # Kaiming (fan_out, ReLU) on the extra 1x1 conv: std sqrt(2 / 128).
    std = target.extra[0].conv1.weight.std().item()
    assert abs(std - (2 / 128)**0.5) < 0.01, std


def test_bad_arguments_say_what_is_wrong():
    with pytest.raises(ValueError, match='out_indices must be'):
        RefineDetResNet(depth=50, out_indices=(0, 1, 2, 3))
    with pytest.raises(ValueError, match='bottleneck ResNet'):
        RefineDetResNet(depth=18)


def test_recipe_trains_through_the_registry():
    """The COCO recipe's model, ImageNet init swapped for a random one, takes
    a training step: finite ARM and ODM losses, gradients in the extra block
    and in res3, none in the frozen stem."""
    from mmengine.structures import InstanceData
    from mmdet.structures import DetDataSample
    cfg = Config.fromfile(RECIPE)
    assert cfg.model.backbone.type == 'RefineDetResNet'
    cfg.model.backbone.init_cfg = None
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.train()
    size = 128
    sample = DetDataSample(metainfo=dict(
        img_shape=(size, size), ori_shape=(size, size),
        scale_factor=(1., 1.), pad_shape=(size, size)))
    sample.gt_instances = InstanceData(
        bboxes=torch.tensor([[10., 20., 70., 90.]]),
        labels=torch.tensor([3]))
    data = model.data_preprocessor(
        dict(inputs=[torch.randint(0, 256, (3, size, size),
                                   dtype=torch.uint8)],
             data_samples=[sample]), training=True)
    losses = model.loss(data['inputs'], data['data_samples'])
    total = sum(v for k, v in losses.items() if 'loss' in k)
    assert torch.isfinite(total)
    total.backward()
    backbone = model.backbone
    assert backbone.extra[0].conv1.weight.grad.abs().sum() > 0
    # res3's shortcut (its residual branches start at zero, mmdet's
    # zero_init_residual, so their first convs get no gradient yet).
    assert backbone.layer2[0].downsample[0].weight.grad.abs().sum() > 0
    assert backbone.conv1.weight.grad is None
