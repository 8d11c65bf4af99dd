"""Collection from run dirs alone: results.csv/json, summary.md (mean ± std
over seeds, best alpha per gamma), plots and the docs section.

The run dirs are written by the real plan (config.py, run.json) and filled
with files in the formats the trainer writes (val_metrics_last.json from
MetricsRecorderHook, DONE from tools/train.py, error.txt from the launcher);
the expected numbers below are computed by hand.
"""
import csv
import json
import os

import pytest

from custom_modules.reporting import replace_section
from custom_modules.sweep.launch import build_plan
from custom_modules.sweep.results import collect_sweep
from custom_modules.sweep.spec import build_spec

GAMMA, ALPHA = 'model.bbox_head.loss_cls.gamma', 'model.bbox_head.loss_cls.alpha'

CONFIG = 'configs/ablations/retinanet_r18_fpn_160_focal_ablation.py'

# run id -> box mAP at the last iteration (None: the run failed)
MAPS = {
    'gamma=0_alpha=0.25_seed=0': 0.300, 'gamma=0_alpha=0.25_seed=1': 0.320,
    'gamma=0_alpha=0.75_seed=0': 0.330, 'gamma=0_alpha=0.75_seed=1': 0.334,
    'gamma=2_alpha=0.25_seed=0': 0.340, 'gamma=2_alpha=0.25_seed=1': 0.350,
    'gamma=2_alpha=0.75_seed=0': 0.310, 'gamma=2_alpha=0.75_seed=1': None,
    'CE_seed=0': 0.250, 'CE_seed=1': 0.260,
}


def write_run(run_dir, m_ap, max_iters=20):
    if m_ap is None:
        with open(os.path.join(run_dir, 'error.txt'), 'w') as f:
            f.write('exit code 1; last lines of stderr.log:\n'
                    'Traceback ...\nRuntimeError: loss is NaN\n')
        return
    metrics = {'iter': max_iters, 'epoch': 0, 'train_seconds': 10.0,
               'val_seconds': 2.0,
               'coco/bbox_mAP': m_ap, 'coco/bbox_mAP_50': m_ap + 0.2,
               'coco/bbox_mAP_75': m_ap - 0.05, 'coco/bbox_mAP_s': 0.1,
               'coco/bbox_mAP_m': 0.3, 'coco/bbox_mAP_l': 0.5}
    with open(os.path.join(run_dir, 'val_metrics_last.json'), 'w') as f:
        json.dump(metrics, f)
    # The curve: a validation half-way, 5 AP lower, then the last one.
    with open(os.path.join(run_dir, 'val_metrics.jsonl'), 'w') as f:
        for it, ap in ((max_iters // 2, m_ap - 0.05), (max_iters, m_ap)):
            f.write(json.dumps({'iter': it, 'coco/bbox_mAP': ap,
                                'train_seconds': 5.0}) + '\n')
    with open(os.path.join(run_dir, 'DONE'), 'w') as f:
        json.dump(dict(wall_seconds=12.5, iter=max_iters), f)


@pytest.fixture(scope='module')
def sweep_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp('sweeps')
    spec = build_spec([f'{GAMMA}=0,2', f'{ALPHA}=0.25,0.75'], seeds='0,1',
                      preset='focal-gamma')
    plan = build_plan(CONFIG, spec, name='fg', max_iters=20, root=str(root),
                      command='python tools/sweep.py CONFIG --preset ...')
    plan.write()
    assert sorted(os.listdir(plan.sweep_dir)) == sorted(
        list(MAPS) + ['sweep.json'])
    for run_id, m_ap in MAPS.items():
        write_run(os.path.join(plan.sweep_dir, run_id), m_ap)
    return plan.sweep_dir


@pytest.fixture(scope='module')
def collected(sweep_dir, tmp_path_factory):
    doc = tmp_path_factory.mktemp('docs') / 'ablations.md'
    doc.write_text('# Ablations\n\nHand-written intro.\n')
    out = collect_sweep(sweep_dir, doc=str(doc))
    return out, doc


def test_results_csv_has_one_row_per_run_and_seed(sweep_dir, collected):
    with open(os.path.join(sweep_dir, 'results.csv')) as f:
        rows = list(csv.DictReader(f))
    # Sweep order: the whole grid for seed 0, then for seed 1.
    assert [r['run_id'] for r in rows] == \
        [k for k in MAPS if k.endswith('0')] + \
        [k for k in MAPS if k.endswith('1')]
    by_id = {r['run_id']: r for r in rows}
    row = by_id['gamma=0_alpha=0.75_seed=1']
    assert (row['gamma'], row['alpha'], row['seed']) == ('0', '0.75', '1')
    assert float(row['coco/bbox_mAP']) == 0.334
    assert float(row['coco/bbox_mAP_50']) == pytest.approx(0.534)
    assert row['status'] == 'done' and float(row['wall_seconds']) == 12.5
    assert float(row['train_seconds']) == 10.0
    assert 'val_seconds' not in row             # a timing, not a metric
    failed = by_id['gamma=2_alpha=0.75_seed=1']
    assert failed['status'] == 'failed'
    assert failed['error'] == 'RuntimeError: loss is NaN'
    assert by_id['CE_seed=0']['label'] == 'CE'
    assert collected[0]['counts'] == {'done': 9, 'failed': 1}


def test_results_json_keeps_full_error_and_overrides(sweep_dir, collected):
    data = json.load(open(os.path.join(sweep_dir, 'results.json')))
    assert data['sweep']['best_over'] == ALPHA
    runs = {r['run_id']: r for r in data['runs']}
    assert 'Traceback' in runs['gamma=2_alpha=0.75_seed=1']['error']
    assert runs['CE_seed=1']['overrides'][
        'model.bbox_head.loss_cls.loss_weight'] == 2.0


def test_summary_mean_std_by_hand(sweep_dir, collected):
    md = open(os.path.join(sweep_dir, 'summary.md')).read()
    # Best alpha per gamma. gamma=0: alpha=0.75 (0.330, 0.334): mean 33.2,
    # sample std sqrt(2 * 0.002^2 / 1) = 0.28 -> 0.3; beats alpha=0.25
    # (31.0). gamma=2: alpha=0.25 (0.340, 0.350): 34.5 ± 0.7 beats alpha=0.75
    # (31.0 from its one finished seed).
    assert '| 0 | 0.75 | 33.2 ± 0.3 | 53.2 ± 0.3 | 28.2 ± 0.3 |' in md
    assert '| 2 | 0.25 | 34.5 ± 0.7 | 54.5 ± 0.7 | 29.5 ± 0.7 |' in md
    # All cells: one seed -> mean only, and 1/2 seeds done.
    assert '| 0 | 0.25 | 31.0 ± 1.4 |' in md
    # ... and none of them at a plateau: each fixture run gains 5 AP over
    # its last interval.
    assert '| 2 | 0.75 | 31.0 | 51.0 | 26.0 | 10.0 | 30.0 | 50.0 | 1/2 | ' \
        '0/1 |' in md
    # The CE baseline is a reference row: (0.250, 0.260) -> 25.5 ± 0.7.
    assert '| CE | gamma=0, alpha=0.5, loss_weight=2.0 | 25.5 ± 0.7 |' in md
    assert '`gamma=2_alpha=0.75_seed=1`: failed (`RuntimeError: loss is NaN`)' \
        in md
    assert 'Table 1b' in md and 'mmdet 3.3.0' in md


def test_the_papers_table_1b_stands_beside_the_best_alpha(sweep_dir,
                                                         collected):
    md = open(os.path.join(sweep_dir, 'summary.md')).read()
    best = [ln for ln in md.splitlines()
            if ln.startswith(('| 0 | 0.75 | 33.2', '| 2 | 0.25 | 34.5'))]
    assert len(best) == 4  # the best-alpha table first, then all cells
    # Lin et al. Table 1b: gamma=0 -> alpha .75, 31.1 AP; gamma=2 -> .25, 34.0
    assert best[0].endswith('| 0.75 | 31.1 |')
    assert best[1].endswith('| 0.25 | 34.0 |')
    assert not any(ln.endswith('| 31.1 |') or ln.endswith('| 34.0 |')
                   for ln in best[2:])
    assert 'paper: best alpha | paper: AP |' in md
    assert 'Paper columns: Lin et al., Focal Loss for Dense Object ' \
        'Detection, ICCV 2017, Table 1b' in md
    # The other tables have no paper columns: those cells are not the
    # paper's rows.
    assert md.count('paper: AP') == 1


def test_a_sweep_without_a_preset_has_no_paper():
    from custom_modules.sweep.results import published
    assert published({}) is None
    assert published({'preset': 'no-such-preset'}) is None
    assert published({'preset': 'focal-gamma'})['rows']['0.5'] == \
        {'alpha': 0.5, 'AP': 32.9}


def test_plots_are_written(sweep_dir, collected):
    plots = sorted(os.listdir(os.path.join(sweep_dir, 'plots')))
    assert plots == ['ap_vs_alpha.png', 'ap_vs_gamma.png',
                     'heatmap_gamma_alpha.png']
    for p in plots:
        with open(os.path.join(sweep_dir, 'plots', p), 'rb') as f:
            assert f.read(8) == b'\x89PNG\r\n\x1a\n'


def test_doc_section_is_replaced_not_duplicated(sweep_dir, collected):
    _, doc = collected
    collect_sweep(sweep_dir, doc=str(doc), plots=False)
    text = doc.read_text()
    assert text.startswith('# Ablations\n\nHand-written intro.')
    assert text.count('<!-- sweep:fg:begin -->') == 1
    assert '## Sweep `fg`' in text and '34.5 ± 0.7' in text
    assert replace_section('a\n', 'sweep:x', 'new') == \
        'a\n\n<!-- sweep:x:begin -->\nnew\n<!-- sweep:x:end -->\n'
    # A second replacement keeps the text around the markers.
    assert replace_section('a\n<!-- k:begin -->\nold\n<!-- k:end -->\nb\n',
                           'k', 'new\n') == \
        'a\n<!-- k:begin -->\nnew\n<!-- k:end -->\nb\n'


def test_the_record_keeps_each_finished_run_and_its_curve(sweep_dir,
                                                           collected):
    _, doc = collected
    record = doc.parent / 'ablations' / 'fg' / 'runs.json'
    runs = {r['run_id']: r for r in json.load(open(record))['runs']}
    # The failed run is not a result.
    assert sorted(runs) == sorted(k for k, v in MAPS.items() if v is not None)
    run = runs['gamma=0_alpha=0.75_seed=1']
    assert run['seed'] == 1 and run['overrides'][ALPHA] == 0.75
    assert run['metrics']['coco/bbox_mAP'] == 0.334
    assert run['curve'] == [{'iter': 10, 'coco/bbox_mAP': pytest.approx(0.284)},
                            {'iter': 20, 'coco/bbox_mAP': 0.334}]


def test_collecting_elsewhere_never_drops_a_recorded_run(sweep_dir, collected,
                                                          tmp_path):
    """A machine with only part of the runs updates the record; the runs it
    does not have stay as they were recorded."""
    _, doc = collected
    import shutil
    partial = tmp_path / 'fg'
    shutil.copytree(sweep_dir, partial)
    shutil.rmtree(partial / 'CE_seed=1')
    write_run(str(partial / 'CE_seed=0'), 0.290)
    record = doc.parent / 'ablations' / 'fg' / 'runs.json'
    collect_sweep(str(partial), doc=str(doc), plots=False)
    runs = {r['run_id']: r for r in json.load(open(record))['runs']}
    assert runs['CE_seed=0']['metrics']['coco/bbox_mAP'] == 0.290
    assert runs['CE_seed=1']['metrics']['coco/bbox_mAP'] == 0.260
    assert len(runs) == 9


def test_extra_seeds_from_a_smaller_command_do_not_take_over_the_page(
        tmp_path):
    """The grid (with its preset) and, under the same name, a smaller zip
    command that adds seeds 2 and 3 of two cells: the page stays the
    grid's, with its best-alpha table, and names the other command."""
    grid = build_plan(CONFIG, build_spec([f'{GAMMA}=0,2', f'{ALPHA}=0.25,0.75'],
                                         seeds='0,1', preset='focal-gamma'),
                      name='fg', max_iters=20, root=str(tmp_path),
                      command='GRID')
    extra = build_plan(CONFIG, build_spec([f'{GAMMA}=0,2',
                                           f'{ALPHA}=0.75,0.25'],
                                          seeds='0-3', zip_axes=True),
                       name='fg', max_iters=20, root=str(tmp_path),
                       command='ZIP')
    extra.write()
    grid.write()   # the grid ran last over seeds 0-1: 10 runs are its
    for run_id in os.listdir(grid.sweep_dir):
        if run_id != 'sweep.json':
            write_run(os.path.join(grid.sweep_dir, run_id),
                      MAPS.get(run_id, 0.3) or 0.3)
    collect_sweep(grid.sweep_dir)
    md = open(os.path.join(grid.sweep_dir, 'summary.md')).read()
    assert '- Command: `GRID`' in md
    assert '- Also: `ZIP` (4 runs)' in md
    assert '## Best alpha per gamma' in md
    # gamma 0: alpha 0.75 over seeds 0-3 (33.0, 33.4, 30, 30) beats 0.25
    # over the grid's seeds 0-1 (30.0, 32.0, mean 31.0).
    best = [ln for ln in md.splitlines() if ln.startswith('| 0 | 0.75 |')]
    assert best[0].startswith('| 0 | 0.75 | 31.6 ± 1.9 |')
    assert '| 4/4 |' in best[0]


def test_the_best_alpha_is_chosen_on_shared_seeds():
    """alpha 0.25 has seed 0 only (48); alpha 0.5 has seeds 0-2 (50, 44,
    44: mean 46). On their own means 0.25 would win; on the seed both
    finished, 0.5 does (50 > 48). A gamma with no seed in common falls
    back to the means."""
    from custom_modules.sweep.results import Cell, best_per

    def cell(gamma, alpha, aps):
        runs = [dict(seed=s, status='done', metrics={'coco/bbox_mAP': ap})
                for s, ap in aps.items()]
        return Cell({GAMMA: gamma, ALPHA: alpha}, None, runs,
                    mean={'coco/bbox_mAP': sum(aps.values()) / len(aps)})
    grid = [cell(0, 0.25, {0: 48}), cell(0, 0.5, {0: 50, 1: 44, 2: 44}),
            cell(2, 0.25, {1: 48}), cell(2, 0.5, {0: 47})]
    others, best = best_per(grid, [GAMMA, ALPHA], ALPHA)
    assert others == [GAMMA]
    assert [(c.values[GAMMA], c.values[ALPHA]) for c in best] == \
        [(0, 0.5), (2, 0.25)]


def test_a_sweep_continued_on_a_new_machine_keeps_the_recorded_runs(
        collected, tmp_path):
    """The run dirs died with the machine that trained them: the new
    machine's plan finds every run the record holds finished with its
    recipe, trains the failed one only, and its page shows all ten."""
    import shutil
    from custom_modules.sweep.launch import plan_recipes
    from custom_modules.sweep.results import read_record, recorded_finished
    _, doc = collected
    docs = tmp_path / 'docs'
    shutil.copytree(doc.parent, docs)
    doc = docs / doc.name
    spec = build_spec([f'{GAMMA}=0,2', f'{ALPHA}=0.25,0.75'], seeds='0,1',
                      preset='focal-gamma')
    plan = build_plan(CONFIG, spec, name='fg', max_iters=20,
                      root=str(tmp_path / 'new'),
                      command='python tools/sweep.py CONFIG --preset ...')
    record = read_record(str(doc), 'fg')
    assert all(r['recipe'] for r in record['runs'])
    done = recorded_finished(record, plan_recipes(plan))
    assert sorted(done) == sorted(k for k, v in MAPS.items() if v is not None)
    plan.write()
    write_run(os.path.join(plan.sweep_dir, 'gamma=2_alpha=0.75_seed=1'), 0.36)
    collect_sweep(plan.sweep_dir, doc=str(doc), plots=False)
    page = doc.read_text()
    assert '- Runs: 10 (10 done)' in page
    assert '- From the record: 9 finished runs whose run dirs are not on ' \
        'this machine (trained on another)' in page
    # gamma 2, alpha 0.75: 31.0 (recorded) and 36.0 (trained here)
    assert '| 2 | 0.75 | 33.5 ± 3.5 |' in page
    runs = {r['run_id']: r for r in read_record(str(doc), 'fg')['runs']}
    assert len(runs) == 10
    assert runs['gamma=2_alpha=0.75_seed=1']['metrics'][
        'coco/bbox_mAP'] == 0.36
    # A config edited since the record was made: refused, not mixed.
    record['runs'][0]['recipe'] = '0ld'
    with pytest.raises(ValueError, match="the record of sweep 'fg' holds .* "
                       'trained from another recipe of .*; give this sweep '
                       'another --name'):
        recorded_finished(record, plan_recipes(plan))


def test_the_runs_to_skip_are_recorded_and_not_begun_here(collected,
                                                          tmp_path):
    """A new machine skips what the record holds finished, but a recorded
    run that this machine has begun (it validated once) trains on: its run
    dir is what the page will show."""
    import shutil
    from custom_modules.sweep.results import runs_to_skip
    _, doc = collected
    docs = tmp_path / 'docs'
    shutil.copytree(doc.parent, docs)
    spec = build_spec([f'{GAMMA}=0,2', f'{ALPHA}=0.25,0.75'], seeds='0,1',
                      preset='focal-gamma')
    plan = build_plan(CONFIG, spec, name='fg', max_iters=20,
                      root=str(tmp_path / 'new'), command='python ...')
    begun = plan.run_dir(next(r for r in plan.runs
                              if r.run_id == 'gamma=0_alpha=0.25_seed=0'))
    os.makedirs(begun)
    with open(os.path.join(begun, 'val_metrics.jsonl'), 'w') as f:
        f.write(json.dumps({'iter': 10, 'coco/bbox_mAP': 0.2,
                            'train_seconds': 5.0}) + '\n')
    skip = runs_to_skip(plan, str(docs / doc.name))
    finished = {k for k, v in MAPS.items() if v is not None}
    assert sorted(os.path.basename(d) for d in skip) == \
        sorted(finished - {'gamma=0_alpha=0.25_seed=0'})
    # No record under that name: nothing to skip.
    assert runs_to_skip(plan, str(tmp_path / 'none.md')) == []


def test_a_cell_counts_its_finished_seeds_at_a_plateau():
    """The paper studies' rule, per cell: a finished run whose last two
    validations are within 1 box AP. A run with one validation, or one that
    did not finish, is not counted; a recorded run's curve (fractions, as
    the record keeps it) counts as a run dir's does."""
    from custom_modules.sweep.results import Cell, box_curve, with_recorded

    def run(status, *aps):
        return dict(status=status, curve=box_curve(
            [{'iter': 100 * (i + 1), 'coco/bbox_mAP': ap}
             for i, ap in enumerate(aps)]))
    cell = Cell({}, None, runs=[run('done', 0.300, 0.308),   # +0.8: yes
                                run('done', 0.250, 0.300),   # +5.0: no
                                run('done', 0.300),          # one: unknown
                                run('failed', 0.300, 0.300)])
    assert cell.n_done == 3 and cell.n_plateau == 1
    assert box_curve([{'iter': 5, 'coco/bbox_mAP': 0.5},
                      {'iter': 6, 'loss': 1.0}]) == [(5, 50.0)]
    record = {'sweep': {}, 'runs': [dict(
        run_id='a_seed=0', seed=0, overrides={}, iter=200, max_iters=200,
        metrics={'coco/bbox_mAP': 0.31},
        curve=[{'iter': 100, 'coco/bbox_mAP': 0.305},
               {'iter': 200, 'coco/bbox_mAP': 0.31}])]}
    (recorded,) = with_recorded([], record)
    assert recorded['curve'] == [(100, 30.5), (200, 31.0)]
    assert Cell({}, None, runs=[recorded]).n_plateau == 1


def test_a_second_collection_reads_only_the_new_runs_configs(
        sweep_dir, collected, tmp_path, monkeypatch):
    """The sweep collects after every run: a run already recorded from the
    same run dir keeps its entry, and only a run that changed since (here
    retrained: its time and numbers moved) has its config read again."""
    import shutil
    from custom_modules.sweep import results
    _, doc = collected
    docs = tmp_path / 'docs'
    shutil.copytree(doc.parent, docs)
    doc = docs / doc.name
    again = tmp_path / 'fg'
    shutil.copytree(sweep_dir, again)
    collect_sweep(str(again), doc=str(doc), plots=False)
    before = {r['run_id']: r for r in results.read_record(str(doc),
                                                          'fg')['runs']}
    metrics = again / 'CE_seed=1' / 'val_metrics_last.json'
    m = json.loads(metrics.read_text())
    m.update({'train_seconds': 11.0, 'coco/bbox_mAP': 0.27})
    metrics.write_text(json.dumps(m))
    read = []
    real = results.run_recipe
    monkeypatch.setattr(results, 'run_recipe',
                        lambda d: read.append(os.path.basename(d)) or real(d))
    collect_sweep(str(again), doc=str(doc), plots=False)
    assert read == ['CE_seed=1']
    after = {r['run_id']: r for r in results.read_record(str(doc),
                                                         'fg')['runs']}
    assert after['CE_seed=1']['metrics']['coco/bbox_mAP'] == 0.27
    assert after['CE_seed=1']['recipe'] == before['CE_seed=1']['recipe']
    assert after['CE_seed=0'] == before['CE_seed=0']
