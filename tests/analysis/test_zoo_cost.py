"""The zoo-cost projection: mmengine's validation count, the workers'
schedule, the arithmetic and the record check (the tool on a real config:
tests/tools/test_zoo_cost_tool.py)."""

import pytest

from custom_modules.analysis import zoo_cost


@pytest.mark.parametrize('max_iters,interval,begin,count', [
    (2400, 200, 1, 12),   # the light twins: 12 validations
    (1000, 300, 1, 4),    # 300, 600, 900 and the last iteration
    (100, 100, 1, 1),     # the last iteration counts once
    (1200, 100, 700, 6),  # 700..1200
])
def test_validations_match_the_iter_loop(max_iters, interval, begin, count):
    assert zoo_cost.validations(max_iters, interval, begin) == count


def test_validations_as_mmengine_counts_them():
    """Against the loop itself: a toy IterBasedTrainLoop validating at its
    interval and at its last iteration."""
    from mmengine.runner.loops import IterBasedTrainLoop
    calls = []

    class Val:
        def run(self):
            calls.append(loop._iter)

    class Runner:
        val_loop = Val()

        def call_hook(self, *a, **k):
            pass

        class model:
            @staticmethod
            def train():
                pass

    loop = IterBasedTrainLoop.__new__(IterBasedTrainLoop)
    loop._runner, loop._iter, loop._max_iters = Runner(), 0, 250
    loop.val_begin, loop.val_interval = 1, 100
    loop.dynamic_milestones, loop.dynamic_intervals = [0], [100]
    loop.stop_training = False
    loop.dataloader_iterator = iter(range(10 ** 6))

    def run_iter(batch):
        loop._iter += 1
    loop.run_iter = run_iter
    loop.run()
    assert calls == [100, 200, 250]
    assert zoo_cost.validations(250, 100) == len(calls)


def test_schedule_takes_runs_in_order_on_the_first_free_worker():
    # 2 workers: 50 -> w0, 30 -> w1, 20 -> w1 (free at 30), 40 -> w0 (50)
    # and w1 (50) tie, the first wins -> w0 90, w1 50.
    assert zoo_cost.schedule([50, 30, 20, 40], 2) == 90
    assert zoo_cost.schedule([50, 30, 20, 40], 1) == 140
    assert zoo_cost.schedule([50, 30], 4) == 50
    with pytest.raises(ValueError, match='at least 1'):
        zoo_cost.schedule([1], 0)


def test_projection_arithmetic():
    # 1200 steps of 1.5 s = 30 min; 12 validations x 500 images x 40 ms
    # = 240 s = 4 min.
    p = zoo_cost.project(1200, 12, 500, 1.5, 40.0)
    assert p == pytest.approx(dict(train_minutes=30.0, val_minutes=4.0,
                                   total_minutes=34.0))


@pytest.mark.parametrize('step,load,workers,spare,expected', [
    (1.0, 0.4, 1, 0, 1.4),   # every core trains: loading takes its turn
    (1.0, 0.4, 0, 4, 1.4),   # num_workers=0 loads in the run's process
    (1.0, 0.4, 1, 1, 1.0),   # a worker with a core of its own keeps up
    (1.0, 3.0, 2, 4, 1.5),   # two workers, 3 s a batch: 1.5 s per batch
    (1.0, 3.0, 4, 1, 3.0),   # four workers but one free core: 3 s
])
def test_loading_adds_only_where_it_has_no_core(step, load, workers, spare,
                                                expected):
    assert zoo_cost.s_per_iter_with_loading(step, load, workers, spare) == \
        pytest.approx(expected)


def test_record_stands_beside_a_projection_of_the_same_path(monkeypatch):
    monkeypatch.setattr(zoo_cost, 'compute_path_label',
                        lambda precision: f'{precision} AVX512')
    rows = [dict(name='a', precision='bf16', train_minutes=20.0),
            dict(name='b', precision='fp32', train_minutes=40.0),
            dict(name='c', precision='fp32', train_minutes=10.0)]
    record = {'a': dict(compute_path='bf16 AVX512', train_minutes=25.0),
              'b': dict(compute_path='bf16 AVX512', train_minutes=15.0)}
    got = zoo_cost.with_record(rows, record)
    # b trained in bf16: it says nothing about its fp32 projection.
    assert [r['recorded_train_minutes'] for r in got] == [25.0, None, None]
    md = zoo_cost.render_markdown(
        [dict(r, config=f"configs/{r['name']}.py", threads=1, s_per_iter=1.3,
              s_per_step=1.0, load_s_per_batch=0.3, loader_workers=1,
              loader_has_own_core=r['name'] == 'b', steps_timed=6,
              max_iters=1, validations=1, val_images=1,
              ms_per_image=1.0, trained_weights=r['name'] != 'c',
              val_minutes=0.0, total_minutes=r['train_minutes'])
         for r in got], 2, {'cpu': 'x'}, 'cmd')
    table = [ln for ln in md.splitlines() if ln.startswith('| `configs/')]
    assert table[0].split('|')[-2].strip() == '1.25'
    assert table[0].split('|')[-3].strip() == '25 (1)'
    assert table[1].split('|')[-2].strip() == '–'
    assert '(init weights: upper bound)' in table[2]
    cells = [c.strip() for c in table[0].split('|')[1:-1]]
    assert cells[3:6] == ['1.00 (6)', '0.30 (1, shared)', '1.30']
    assert '0.30 (1, own)' in table[1]
    # a (20) -> w0, b (40) -> w1, c (10) -> w0: wall 40 of 70 minutes.
    assert '**Projected wall time with `--jobs 2`: 40 min (0.7 h)**' in md
    assert '70 min of runs in all' in md


def test_the_median_of_the_seeds_on_the_same_path_is_held_against_it(
        monkeypatch):
    """Where the record has every seed's minutes, their median on this
    path stands beside the projection, not the one leaderboard run."""
    monkeypatch.setattr(zoo_cost, 'compute_path_label',
                        lambda precision: f'{precision} AVX512')
    rows = [dict(name='a', precision='bf16', train_minutes=20.0),
            dict(name='b', precision='bf16', train_minutes=20.0)]
    record = {'a': dict(compute_path='bf16 AVX512', train_minutes=40.0),
              'b': dict(compute_path='bf16 AVX512', train_minutes=40.0)}
    seeds = {'a': dict(train_minutes=[40.0, 19.0, 21.0, 90.0, None, 5.0],
                       compute_paths=['bf16 AVX512'] * 5 + ['fp32 AVX2']),
             'b': dict(train_minutes=[30.0], compute_paths=[None])}
    got = zoo_cost.with_record(rows, record, seeds)
    # a: median of 40, 19, 21, 90 (None has no minutes, 5.0 is fp32) = 30.5
    assert got[0]['recorded_train_minutes'] == 30.5
    assert got[0]['recorded_runs'] == 4
    # b: its one seed has no path, so the leaderboard run stands
    assert got[1]['recorded_train_minutes'] == 40.0
    assert got[1]['recorded_runs'] == 1
