import pytest

from custom_modules.apis.config import load_config
from custom_modules.errors import UserError
from custom_modules.apis.test import use_test_time_augmentation


def test_tta_wraps_the_model_and_swaps_the_pipeline():
    cfg = load_config('configs/voc/refinedet320_vgg16_voc0712.py')
    detector = cfg.model.type
    use_test_time_augmentation(cfg)
    assert cfg.model.type == 'DetTTAModel'
    assert cfg.model.module.type == detector == 'RefineDet'
    ds = cfg.test_dataloader.dataset
    while 'dataset' in ds:
        ds = ds.dataset
    assert ds.pipeline == cfg.tta_pipeline


def test_tta_without_tta_model_is_a_user_error():
    cfg = load_config('configs/retinanet_r50_fpn.py')
    with pytest.raises(UserError, match='--tta needs tta_model'):
        use_test_time_augmentation(cfg)


@pytest.mark.slow
def test_runner_tests_embedded_refinedet_plus(tiny_shapes, tmp_path):
    """configs/ablations/refinedet320_tta.py --tta: the real Runner feeds
    every val image at 4 sizes x 2 flips to DetTTAModel and evaluates the
    merged boxes through pycocotools."""
    import torch
    from mmdet.registry import MODELS
    from mmengine.config import Config
    from mmdet.utils import register_all_modules
    from mmengine.runner import Runner

    import custom_modules  # noqa: F401  (registers RefineDet)
    from conftest import shapes_overrides
    from custom_modules.apis.test import prepare_test_config
    register_all_modules()
    config = 'configs/ablations/refinedet320_tta.py'
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(config).model)
    model.init_weights()
    checkpoint = tmp_path / 'refinedet320.pth'
    torch.save({'state_dict': model.state_dict()}, checkpoint)
    # One val image: eight forward passes up to 512 px are the cost.
    cfg = prepare_test_config(config, str(checkpoint),
                              work_dir=str(tmp_path / 'work'),
                              cfg_options={
                                  **shapes_overrides(tiny_shapes),
                                  'test_dataloader.dataset.indices': 1},
                              tta=True)
    assert cfg.model.type == 'DetTTAModel'
    assert cfg.tta_scales == [256, 320, 416, 512]
    runner = Runner.from_cfg(cfg)
    assert len(runner.test_dataloader.dataset) == 1
    views = runner.test_dataloader.dataset[0]
    shapes = sorted({s.img_shape for s in views['data_samples']})
    assert shapes == [(256, 256), (320, 320), (416, 416), (512, 512)]
    assert sorted(s.flip for s in views['data_samples']) == [False] * 4 + \
        [True] * 4
    metrics = runner.test()
    assert 0 <= metrics['coco/bbox_mAP'] <= 1
