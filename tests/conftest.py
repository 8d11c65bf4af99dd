import itertools
import os
import os.path as osp
import runpy
import sys
from types import SimpleNamespace

import pytest
import torch
from mmengine.model import BaseModel

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, REPO)
# Tests build configs that name paths relative to the repo root.
os.chdir(REPO)


@pytest.fixture(scope='session')
def tiny_shapes(tmp_path_factory):
    """A real embedded dataset, small: 8 train and 4 val images written to
    disk by the project's generator."""
    from custom_modules.datasets.shapes_generator import (ShapesSpec,
                                                          ensure_shapes_dataset)
    root = str(tmp_path_factory.mktemp('shapes'))
    ensure_shapes_dataset(root, ShapesSpec(splits={'train': 8, 'val': 4}),
                          progress=False)
    return root


def shapes_overrides(root, img_scale=(128, 128), batch_size=2):
    """--cfg-options that point a shapes config at ``root`` and make it
    small enough for a unit test."""
    ann_val = osp.join(root, 'annotations', 'instances_val.json')
    return {
        'train_dataloader.dataset.data_root': root + '/',
        'train_dataloader.batch_size': batch_size,
        'train_dataloader.num_workers': 0,
        'train_dataloader.persistent_workers': False,
        'val_dataloader.dataset.data_root': root + '/',
        'val_dataloader.batch_size': batch_size,
        'val_dataloader.num_workers': 0,
        'val_dataloader.persistent_workers': False,
        'test_dataloader.dataset.data_root': root + '/',
        'test_dataloader.num_workers': 0,
        'test_dataloader.persistent_workers': False,
        'val_evaluator.ann_file': ann_val,
        'test_evaluator.ann_file': ann_val,
    }


_toy_ids = itertools.count()


class ToyRegression(BaseModel):
    """y = w x + b fitted by squared error; ``calls`` counts the forwards,
    so a subclass can inject a fault at a chosen iteration."""

    def __init__(self):
        super().__init__()
        self.w = torch.nn.Linear(1, 1)
        self.calls = 0

    def forward(self, inputs, targets=None, mode='loss'):
        self.calls += 1
        return dict(loss=((self.w(inputs) - targets) ** 2).mean())


class ToyPoints(torch.utils.data.Dataset):
    def __len__(self):
        return 16

    def __getitem__(self, i):
        x = torch.tensor([i / 16.0])
        return dict(inputs=x, targets=2 * x + 1)


def toy_runner(work_dir, max_iters=6, interval=2, max_keep_ckpts=3,
               model=None, hooks=(), checkpoint_type='AtomicCheckpointHook',
               **runner_kwargs):
    """A real mmengine Runner over :class:`ToyRegression`: the hooks under
    test run in the true training loop, in-process and in well under a
    second, with no detector to build."""
    from mmengine.runner import Runner
    import custom_modules.engine  # noqa: F401  (registers DetLab's hooks)
    return Runner(
        model=model if model is not None else ToyRegression(),
        work_dir=str(work_dir),
        train_dataloader=dict(dataset=ToyPoints(), batch_size=4,
                              sampler=dict(type='InfiniteSampler',
                                           shuffle=True),
                              collate_fn=dict(type='default_collate')),
        train_cfg=dict(by_epoch=False, max_iters=max_iters),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
        default_hooks=dict(checkpoint=dict(
            type=checkpoint_type, by_epoch=False, interval=interval,
            max_keep_ckpts=max_keep_ckpts), logger=dict(type='LoggerHook',
                                                        interval=1)),
        custom_hooks=list(hooks), default_scope='mmdet',
        # Runners made within one second would share mmengine's MessageHub
        # (named after the timestamp), and with it their loss history.
        experiment_name=f'toy-{next(_toy_ids)}',
        randomness=dict(seed=0), **runner_kwargs)


@pytest.fixture
def mmlogger_records():
    """The records logged to mmengine's current logger during the test
    (MMLogger does not propagate to the root logger, so caplog misses
    them)."""
    import logging
    from mmengine.logging import MMLogger
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


def tool_main(path):
    """``main`` of ``tools/<path>.py``, imported in-process: a test calls
    ``main(argv)`` as the shell would, without a fresh Python that imports
    torch and mmdet again."""
    import importlib.util
    file = osp.join(REPO, 'tools', f'{path}.py')
    spec = importlib.util.spec_from_file_location(
        'tool_' + path.replace('/', '_'), file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


@pytest.fixture
def run_tool(capsys, monkeypatch):
    """``run_tool(['tools/X.py', *args])`` runs a tool in this process as
    `python tools/X.py ARGS` would (``runpy``, ``__name__ == '__main__'``,
    from the repo root) and returns its ``returncode``, ``stdout`` and
    ``stderr``."""
    def run(args):
        monkeypatch.chdir(REPO)
        monkeypatch.setattr(sys, 'argv', list(args))
        capsys.readouterr()
        code = 0
        try:
            runpy.run_path(args[0], run_name='__main__')
        except SystemExit as exit_:
            code = exit_.code
        out = capsys.readouterr()
        return SimpleNamespace(returncode=code, stdout=out.out,
                               stderr=out.err)
    return run
