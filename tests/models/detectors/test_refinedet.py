"""RefineDet end to end through the registry, built from the configs a user
runs: output shapes at 320 and 512, a training step and a prediction."""
import pytest
import torch
from mmengine.config import Config
from mmengine.structures import InstanceData
from mmdet.registry import MODELS
from mmdet.structures import DetDataSample
from mmdet.utils import register_all_modules

import custom_modules  # noqa: F401  (registers the RefineDet classes)

register_all_modules(init_default_scope=True)


def _build(config, **head_overrides):
    cfg = Config.fromfile(config)
    cfg.model.bbox_head.update(head_overrides)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model


def _batch(size, boxes_per_image):
    """Real (random-pixel) images with ground truth, as the data pipeline
    would hand them to the data preprocessor."""
    inputs, samples = [], []
    for boxes, labels in boxes_per_image:
        inputs.append(torch.randint(0, 256, (3, size, size),
                                    dtype=torch.uint8))
        sample = DetDataSample(metainfo=dict(
            img_shape=(size, size), ori_shape=(size, size),
            scale_factor=(1., 1.), pad_shape=(size, size)))
        sample.gt_instances = InstanceData(
            bboxes=torch.tensor(boxes, dtype=torch.float32),
            labels=torch.tensor(labels))
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


@pytest.mark.parametrize('config, size, cells', [
    ('configs/_base_/models/refinedet320.py', 320, (40, 20, 10, 5)),
    ('configs/_base_/models/refinedet512.py', 512, (64, 32, 16, 8)),
])
def test_feature_and_output_shapes(config, size, cells):
    model = _build(config)  # num_classes 80
    model.eval()
    data = model.data_preprocessor(_batch(size, [([[0, 0, 9, 9]], [0])]))
    with torch.no_grad():
        sources, transferred = model.extract_feat(data['inputs'])
        outputs = model.bbox_head(
            (sources, transferred))
    assert [tuple(s.shape) for s in sources] == [
        (1, c, n, n) for c, n in zip((512, 512, 1024, 512), cells)
    ]
    assert [tuple(t.shape) for t in transferred] == [(1, 256, n, n)
                                                     for n in cells]
    arm_objectness, arm_offsets, odm_scores, odm_offsets = outputs
    assert [tuple(o.shape) for o in arm_objectness] == [(1, 3 * 2, n, n)
                                                        for n in cells]
    assert [tuple(o.shape) for o in arm_offsets] == [(1, 3 * 4, n, n)
                                                     for n in cells]
    assert [tuple(o.shape) for o in odm_scores] == [(1, 3 * 81, n, n)
                                                    for n in cells]
    assert [tuple(o.shape) for o in odm_offsets] == [(1, 3 * 4, n, n)
                                                     for n in cells]


@pytest.fixture(scope='module')
def refinedet320():
    return _build('configs/refinedet320.py')


def test_train_step_gives_finite_losses_and_gradients_everywhere(
        refinedet320):
    model = refinedet320
    model.train()
    data = model.data_preprocessor(
        _batch(320, [([[20, 30, 120, 150], [200, 200, 300, 260]], [0, 5]),
                     ([[50, 60, 90, 100]], [3])]), True)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_arm_cls', 'loss_arm_bbox', 'loss_odm_cls',
                           'loss_odm_bbox'}
    total, log_vars = model.parse_losses(losses)
    assert torch.isfinite(total), log_vars
    assert all(losses[k] > 0 for k in losses), log_vars
    model.zero_grad()
    total.backward()
    for name, part in (('conv1_1', model.backbone.features[0]),
                       ('conv6_2', model.backbone.extra[2]),
                       ('conv4_3 L2Norm', model.backbone.conv4_3_norm),
                       ('TCB', model.neck), ('ARM', model.bbox_head.arm),
                       ('ODM', model.bbox_head.odm)):
        grads = [p.grad for p in part.parameters()]
        assert all(g is not None and torch.isfinite(g).all() for g in grads)
        assert sum(g.abs().sum() for g in grads) > 0, name


def test_predict_returns_boxes_in_the_original_image(refinedet320):
    model = refinedet320
    model.eval()
    batch = _batch(320, [([[0, 0, 9, 9]], [0])])
    # The image was resized from 640x480 by the pipeline.
    batch['data_samples'][0].set_metainfo(
        dict(ori_shape=(480, 640), scale_factor=(0.5, 320 / 480)))
    with torch.no_grad():
        [result] = model.test_step(batch)
    pred = result.pred_instances
    assert len(pred) <= 200
    assert pred.bboxes.shape == (len(pred), 4)
    if len(pred):
        assert pred.bboxes[:, 0::2].max() <= 640 + 1e-3
        assert pred.bboxes[:, 1::2].max() <= 480 + 1e-3
        assert pred.labels.max() < 6 and pred.scores.min() > 0.01


def test_a_neck_is_required():
    cfg = Config.fromfile('configs/_base_/models/refinedet320.py')
    cfg.model.pop('neck')
    with pytest.raises(ValueError, match='neck'):
        MODELS.build(cfg.model)


def test_refinedet_plus_runs_through_mmdet_tta(tmp_path):
    """RefineDet320+: the VOC recipe's tta_model and tta_pipeline, wired the
    way mmdet's ``tools/test.py --tta`` wires them, on one image."""
    import mmcv
    from mmengine.dataset import Compose, pseudo_collate

    cfg = Config.fromfile('configs/voc/refinedet320_vgg16_voc0712.py')
    cfg.model.backbone.init_cfg = None  # no ImageNet file on a test machine
    cfg.tta_model.module = cfg.model
    torch.manual_seed(0)
    tta = MODELS.build(cfg.tta_model)
    tta.module.init_weights()
    tta.eval()

    resizes = cfg.tta_pipeline[1].transforms[0]
    assert [tuple(r.scale) for r in resizes] == [(s, s)
                                                 for s in cfg.tta_scales]
    # Two small sizes keep the test fast; the machinery is the same.
    cfg.tta_pipeline[1].transforms[0] = [
        dict(type='Resize', scale=(s, s), keep_ratio=False)
        for s in (128, 192)
    ]

    image = tmp_path / 'image.jpg'
    mmcv.imwrite(
        torch.randint(0, 256, (150, 200, 3), dtype=torch.uint8).numpy(),
        str(image))
    views = Compose(cfg.tta_pipeline)(dict(img_path=str(image), img_id=0))
    # 2 sizes x (flipped, not flipped).
    assert len(views['inputs']) == 4
    with torch.no_grad():
        [result] = tta.test_step(pseudo_collate([views]))
    pred = result.pred_instances
    assert result.ori_shape == (150, 200)
    assert len(pred) <= 200
    if len(pred):
        assert pred.bboxes.min() >= 0
        assert pred.bboxes[:, 0::2].max() <= 200 + 1e-3
        assert pred.bboxes[:, 1::2].max() <= 150 + 1e-3
