import pytest

from custom_modules.apis.config import load_config
from custom_modules.apis.errors import UserError
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
