"""--tensorboard adds mmengine's TensorboardVisBackend, and that backend,
in the pinned stack, writes event files that TensorBoard's reader parses
back to the logged losses."""
import glob

from custom_modules.apis.train import prepare_train_config
from conftest import shapes_overrides, toy_runner


def test_flag_adds_the_backend_once(tmp_path, tiny_shapes):
    cfg = prepare_train_config('configs/retinanet_r50_fpn.py',
                               work_dir=str(tmp_path / 'w'), tensorboard=True,
                               cfg_options=shapes_overrides(tiny_shapes))
    types = [b['type'] for b in cfg.visualizer.vis_backends]
    assert types == ['LocalVisBackend', 'TensorboardVisBackend']
    plain = prepare_train_config('configs/retinanet_r50_fpn.py',
                                 work_dir=str(tmp_path / 'w'),
                                 cfg_options=shapes_overrides(tiny_shapes))
    assert [b['type'] for b in plain.visualizer.vis_backends] == [
        'LocalVisBackend']


def test_training_writes_event_files_with_the_losses(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import \
        EventAccumulator
    runner = toy_runner(tmp_path, max_iters=4, visualizer=dict(
        type='Visualizer', vis_backends=[dict(type='TensorboardVisBackend')]))
    runner.train()
    [events] = glob.glob(str(tmp_path / '*' / 'vis_data' / 'events.out.*'))
    acc = EventAccumulator(events)
    acc.Reload()
    assert 'loss' in acc.Tags()['scalars']
    assert [e.step for e in acc.Scalars('loss')] == [1, 2, 3, 4]
