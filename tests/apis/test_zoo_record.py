"""custom_modules/apis/zoo_record.py: the committed record of the zoo, its
merge under a lock, and the README table rendered from it alone."""
import json
import os
import os.path as osp

import pytest

from custom_modules.apis import recipe, zoo_record


def test_readme_table_comes_from_the_record_alone():
    record = dict(environment=dict(cpu='C', cores='2', torch='T'), seeds={
        'b': dict(seeds=[0, 1], stats={'mAP': [0.3, 0.05]})}, rows={
        'a': dict(name='a', config='configs/a.py', iter=100, max_iters=400,
                  metrics={'coco/bbox_mAP': 0.1}, train_minutes=12.4,
                  compute_path='fp32 AVX2'),
        'b': dict(name='b', config='configs/b.py', iter=400, max_iters=400,
                  metrics={'coco/bbox_mAP': 0.25, 'coco/bbox_mAP_50': 0.5,
                           'coco/bbox_mAP_75': 0.2, 'coco/segm_mAP': 0.22},
                  train_minutes=60.6),
        # a study's light twin: on the zoo page, not in the README
        'c': dict(name='c', config='configs/ablations/c.py', iter=400,
                  max_iters=400, metrics={'coco/bbox_mAP': 0.6})})
    lines = zoo_record.render_readme_table(
        record, recipe_of=lambda config: 'r1').splitlines()
    assert not any('ablations' in ln for ln in lines)
    # Sorted by AP; the seed spread where two or more seeds finished.
    assert lines[2] == ('| `configs/b.py` | 400/400 | 25.0 | 50.0 | 20.0 | '
                        '22.0 | 30.0 ± 5.0 (2) | 61 (bf16 AVX512*) |')
    assert lines[3] == ('| `configs/a.py` | 100/400 | 10.0 | – | – | – | – | '
                        '12 (fp32 AVX2) |')
    assert 'C, 2 cores, torch T' in lines[-1]


def test_readme_minutes_are_the_median_over_seeds_on_the_same_path():
    """Where several seeds recorded their minutes, the README shows their
    median on the row's compute path (bf16 draws say nothing about fp32),
    and says so; with fewer than two on that path, the run's own."""
    record = dict(environment={}, seeds={
        'a': dict(seeds=[0, 1, 2, 3], stats={'mAP': [0.3, 0.05]},
                  train_minutes=[25.1, 44.7, 19.2, 10.0],
                  compute_paths=['fp32 AVX2', 'fp32 AVX2', 'fp32 AVX2',
                                 'bf16 AVX512']),
        'b': dict(seeds=[0, 1], stats={'mAP': [0.2, 0.01]},
                  train_minutes=[30.0, 90.0],
                  compute_paths=['fp32 AVX2', 'bf16 AVX512'])}, rows={
        'a': dict(name='a', config='configs/a.py', iter=1, max_iters=1,
                  metrics={'coco/bbox_mAP': 0.3}, train_minutes=25.1,
                  compute_path='fp32 AVX2'),
        'b': dict(name='b', config='configs/b.py', iter=1, max_iters=1,
                  metrics={'coco/bbox_mAP': 0.2}, train_minutes=30.0,
                  compute_path='fp32 AVX2')})
    lines = zoo_record.render_readme_table(
        record, recipe_of=lambda config: 'r').splitlines()
    assert lines[2].endswith('| 25 (fp32 AVX2, median of 3) |')
    assert lines[3].endswith('| 30 (fp32 AVX2) |')


def test_record_is_merged_under_a_lock_and_replaced_whole(
        tmp_path, monkeypatch):
    """Two zoos side by side: while one reads, merges and writes the
    record, the other cannot take the lock, so neither drops the other's
    row; and the file on disk is always a whole record."""
    import fcntl
    path = tmp_path / 'docs' / 'benchmark_results.json'
    row = dict(name='a', config='configs/a.py', max_iters=1, iter=1,
               curve=[{'iter': 1}])
    zoo_record.save_record(str(path), [row], [], {'cpu': 'x'})
    real_load, seen = zoo_record.load_record, []

    def load_while_checking(p):
        fd = os.open(str(path.parent), os.O_RDONLY)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            seen.append(p)
        finally:
            os.close(fd)
        return real_load(p)

    monkeypatch.setattr(zoo_record, 'load_record', load_while_checking)
    zoo_record.save_record(str(path), [dict(row, name='b')], [], {'cpu': 'x'})
    assert seen == [str(path)]
    assert sorted(json.loads(path.read_text())['rows']) == ['a', 'b']
    assert not list(path.parent.glob('*.tmp'))
    # The lock is free again once the record is written.
    fd = os.open(str(path.parent), os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.close(fd)


def test_readme_table_hides_numbers_of_an_earlier_recipe():
    """A config retuned since its run is listed without numbers and with
    the command that trains it; one no longer in the repository is not
    listed; a seed spread of an earlier recipe is not shown either."""
    def row(name, recipe, ap):
        return dict(name=name, config=f'configs/{name}.py', iter=400,
                    max_iters=400, recipe=recipe, train_minutes=30.0,
                    metrics={'coco/bbox_mAP': ap})
    record = dict(environment={}, rows={
        'ssd300': row('ssd300', 'old', 0.35),
        'retinanet_r50_fpn': row('retinanet_r50_fpn', 'same', 0.5),
        'gone': row('gone', 'same', 0.7)}, seeds={
        'retinanet_r50_fpn': dict(recipe='older', seeds=[0, 1],
                                  stats={'mAP': [0.4, 0.1]})})
    now = {'configs/ssd300.py': 'new', 'configs/retinanet_r50_fpn.py': 'same'}
    lines = zoo_record.render_readme_table(record, recipe_of=now.get).splitlines()
    assert lines[2] == ('| `configs/retinanet_r50_fpn.py` | 400/400 | 50.0 | '
                        '– | – | – | – | 30 (bf16 AVX512*) |')
    assert lines[3] == ('| `configs/ssd300.py` | –/400 | – | – | – | – | – '
                        '| recipe changed † |')
    assert len(lines) == 6 and not any('gone' in ln for ln in lines)
    assert lines[-1].endswith('`python tools/benchmark_zoo.py --configs '
                              'configs/ssd300.py` trains the present one.')


def test_readme_zoo_section_is_the_records_rendering():
    """The README's zoo numbers are never typed: they are the committed
    record's, as tools/benchmark_zoo.py renders them."""
    import re
    with open(osp.join(recipe.REPO, 'README.md')) as f:
        readme = f.read()
    section = re.search(r'<!-- zoo:begin -->\n(.*?)\n<!-- zoo:end -->',
                        readme, re.S)
    assert section, 'README.md lost its <!-- zoo:begin/end --> markers'
    record = zoo_record.load_record(osp.join(recipe.REPO, 'docs/benchmark_results.json'))
    assert section.group(1) == zoo_record.render_readme_table(record)


def test_committed_record_parses_and_names_real_configs():
    """docs/benchmark_results.json is what a fresh clone's page is made of:
    every recorded row must name a config of the repo, end its curve at its
    own iteration and hold COCO numbers as fractions."""
    record = zoo_record.load_record(
        osp.join(recipe.REPO, 'docs', 'benchmark_results.json'))
    assert record['rows'], 'the committed record is empty'
    for name, row in record['rows'].items():
        assert osp.isfile(osp.join(recipe.REPO, row['config']))
        assert row['name'] == name
        assert row['curve'][-1]['iter'] == row['iter'] <= row['max_iters']
        for key, value in row['metrics'].items():
            if key.startswith('coco/') and value is not None:
                assert 0.0 <= value <= 1.0, (name, key, value)
    for name, seeds in record['seeds'].items():
        assert len(seeds['seeds']) == len(seeds['ap']) >= 1
        assert name in record['rows']


def test_recorded_finished_needs_the_present_recipe_and_the_last_iter():
    config = 'configs/ssd300.py'
    fp, iters = recipe.current_recipe(config), recipe.max_iters_of(config)
    own = recipe.config_seed(config)
    row = dict(name='ssd300', recipe=fp, iter=iters, max_iters=iters)
    record = dict(rows={'ssd300': row}, environment={}, seeds={
        'ssd300': dict(recipe=fp, seeds=[own, 7])})
    assert zoo_record.recorded_finished(record, config, None, own)
    assert zoo_record.recorded_finished(record, config, own, own)
    assert zoo_record.recorded_finished(record, config, 7, own)
    assert not zoo_record.recorded_finished(record, config, 8, own)
    # cut short, or made with another recipe: train it
    short = dict(record, rows={'ssd300': dict(row, iter=iters // 2)})
    assert not zoo_record.recorded_finished(short, config, None, own)
    retuned = dict(rows={'ssd300': dict(row, recipe='0ld')}, environment={},
                   seeds={'ssd300': dict(recipe='0ld', seeds=[7])})
    assert not zoo_record.recorded_finished(retuned, config, None, own)
    assert not zoo_record.recorded_finished(retuned, config, 7, own)
    assert not zoo_record.recorded_finished(
        zoo_record.load_record(''), config, None, own)
    assert not zoo_record.recorded_finished(record, 'configs/gone.py',
                                            None, own)
