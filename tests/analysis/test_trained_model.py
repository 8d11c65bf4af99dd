"""load_for_analysis: the config check runs before anything is built, a
dataset that is not on disk is one UserError, and without a checkpoint the
initialisation is seeded (two loads are the same network)."""
import pytest
import torch

from conftest import REPO, shapes_overrides
from custom_modules.analysis.trained_model import load_for_analysis
from custom_modules.errors import UserError


def test_check_runs_before_the_model_is_built():
    seen = []

    def check(cfg):
        seen.append(cfg.model.type)
        raise UserError('refused')
    with pytest.raises(UserError, match='refused'):
        load_for_analysis(f'{REPO}/configs/ssd300.py', None, check=check)
    assert seen == ['SingleStageDetector']


def test_missing_dataset_is_one_user_error(tmp_path):
    # The embedded dataset is generated on first use; COCO is not.
    with pytest.raises(UserError, match='nowhere'):
        load_for_analysis(f'{REPO}/configs/coco/ssd300_coco.py', None, {
            'val_dataloader.dataset.data_root': str(tmp_path / 'nowhere')})


def test_initial_weights_are_seeded(tiny_shapes):
    opts = shapes_overrides(tiny_shapes)
    a, loader = load_for_analysis(f'{REPO}/configs/ssd300.py', None, opts)
    b, _ = load_for_analysis(f'{REPO}/configs/ssd300.py', None, opts)
    assert not a.training
    for (name, pa), pb in zip(a.state_dict().items(),
                              b.state_dict().values()):
        assert torch.equal(pa, pb), name
    assert len(loader.dataset) == 4
