"""The benchmark's table is built from what training runs leave on disk."""
import json
import os.path as osp

from custom_modules.apis import benchmark as bench
from custom_modules.apis import recipe, zoo_record


def write_run(work_dir, records, timing=None):
    work_dir.mkdir(parents=True)
    with open(work_dir / 'val_metrics.jsonl', 'w') as f:
        for r in records:
            f.write(json.dumps(r) + '\n')
    if timing:
        (work_dir / 'inference_timing.json').write_text(json.dumps(timing))


def test_rows_and_markdown_from_run_dirs(tmp_path):
    run = tmp_path / 'faster_rcnn_r50_fpn'
    write_run(run, [
        {'iter': 100, 'train_seconds': 300.0, 'coco/bbox_mAP': 0.1,
         'coco/bbox_mAP_50': 0.25, 'coco/bbox_mAP_75': 0.05},
        {'iter': 400, 'train_seconds': 1230.0, 'coco/bbox_mAP': 0.4321,
         'coco/bbox_mAP_50': 0.7, 'coco/bbox_mAP_75': 0.45,
         'coco/bbox_mAP_s': 0.2, 'coco/bbox_mAP_m': 0.5,
         'coco/bbox_mAP_l': 0.6},
    ], timing={'ms_median': 123.4, 'ms_mean': 130.0, 'images': 50})
    row = bench.collect_row('configs/faster_rcnn_r50_fpn.py', str(run))
    assert row['iter'] == 400 and row['max_iters'] == 400
    assert row['train_minutes'] == 20.5
    assert bench.is_trained(str(run), 400)
    assert not bench.is_trained(str(run), 800)
    env = {'cpu': 'test cpu', 'torch': '2.13.0'}
    md = bench.render_markdown([row], env, 'python tools/benchmark_zoo.py')
    lines = md.splitlines()
    leader = next(ln for ln in lines if ln.startswith('| faster_rcnn_r50_fpn | 400/400'))
    cells = [c.strip() for c in leader.strip('|').split('|')]
    assert cells[2:9] == ['43.2', '70.0', '45.0', '20.0', '50.0', '60.0', '–']
    assert cells[9:] == ['20.5', '123']
    # Where the run wrote its compute path, its minutes say which it was.
    md = bench.render_markdown([dict(row, compute_path='fp32 AVX2')], env,
                               'cmd')
    assert '| 20.5 (fp32 AVX2) | 123 |' in md
    curve = [ln for ln in lines if ln.startswith('| faster_rcnn_r50_fpn | 100 |')]
    assert curve == ['| faster_rcnn_r50_fpn | 100 | 5.0 | 10.0 | 25.0 | 5.0 |']
    assert '| this run | test cpu | 2.13.0 |' in lines


def test_untrained_config_renders_dashes(tmp_path):
    row = bench.collect_row('configs/ssd300.py', str(tmp_path / 'none'))
    md = bench.render_markdown([row], {'cpu': 'x'}, 'cmd')
    assert '| ssd300 | –/400 | – | – |' in md


def test_notes_are_linked_after_the_tables_not_copied(tmp_path):
    row = bench.collect_row('configs/ssd300.py', str(tmp_path / 'none'))
    md = bench.render_markdown([row], {'cpu': 'x'}, 'cmd',
                               notes='benchmark_notes.md')
    lines = md.splitlines()
    assert lines[-1] == ('What these numbers mean and what limits them: '
                         '[benchmark_notes.md](benchmark_notes.md).')
    assert 'benchmark_notes' not in bench.render_markdown([row], {'cpu': 'x'},
                                                          'cmd')


def test_speed_table_has_ratios_to_the_first_config():
    results = [dict(name='ssd300', weights='trained', images=50,
                    ms_median=200.0, ms_mean=210.0),
               dict(name='refinedet320', weights='trained', images=50,
                    ms_median=230.0, ms_mean=240.0)]
    md = bench.render_speed_markdown(results, {'cpu': 'x'}, 'cmd')
    assert '| ssd300 | trained | 50 | 200 | 210 | 1.00 | – |' in md
    assert '| refinedet320 | trained | 50 | 230 | 240 | 1.15 | – |' in md
    assert '| config | weights | images | median ms/img | mean ms/img ' \
           '| ratio to ssd300 | paired ratio, median [95% CI] |' in md


def test_paired_ratio_is_the_median_of_per_image_ratios():
    # Per-image ratios 1.2, 1.3, 1.1, 1.25, 1.15: median 1.2, while the
    # ratio of the two medians is 300 / 240 = 1.25.
    base = [100.0, 200.0, 300.0, 400.0, 240.0]
    other = [120.0, 260.0, 330.0, 500.0, 276.0]
    pr = bench.paired_ratio(base, other)
    assert abs(pr['median'] - 1.2) < 1e-12
    # Every resampled median is one of the five ratios, so the interval lies
    # within them and holds the median.
    assert 1.1 <= pr['ci_low'] <= pr['median'] <= pr['ci_high'] <= 1.3
    # The same seed gives the same interval; a constant ratio a point.
    assert bench.paired_ratio(base, other) == pr
    flat = bench.paired_ratio(base, [1.15 * b for b in base])
    assert abs(flat['ci_low'] - 1.15) < 1e-12
    assert abs(flat['ci_high'] - 1.15) < 1e-12


def test_paired_ratio_refuses_unpaired_lists():
    import pytest
    with pytest.raises(ValueError, match='equally long'):
        bench.paired_ratio([1.0, 2.0], [1.0])


def test_speed_table_shows_the_paired_ratio_and_threads():
    base = [100.0, 200.0, 300.0, 400.0, 240.0]
    other = [120.0, 260.0, 330.0, 500.0, 276.0]
    results = [dict(name='ssd300', weights='trained', images=5,
                    ms_median=240.0, ms_mean=248.0, ms=base,
                    torch_threads=1),
               dict(name='refinedet320', weights='trained', images=5,
                    ms_median=276.0, ms_mean=297.2, ms=other,
                    torch_threads=1)]
    md = bench.render_speed_markdown(results, {'cpu': 'x'}, 'cmd')
    pr = bench.paired_ratio(base, other)
    assert ('| refinedet320 | trained | 5 | 276 | 297 | 1.15 | 1.200 '
            f"[{pr['ci_low']:.3f}, {pr['ci_high']:.3f}] |") in md
    assert '| ssd300 | trained | 5 | 240 | 248 | 1.00 | 1.000 ' \
           '[1.000, 1.000] |' in md
    assert 'torch threads: 1.' in md


def test_zoo_trains_its_jobs_as_sweep_runs(monkeypatch, tmp_path):
    """Each job's config, with its seed, is dumped into its work dir and
    the sweep's runner trains them, the cores split between parallel
    jobs; a job's status is what the runner says of its run dir."""
    from mmengine.config import Config
    from custom_modules.reporting import cpu_count
    from custom_modules.sweep import launch
    calls = []

    def fake_run_sweep(run_dirs, resources, progress=True, on_finish=None):
        calls.append((run_dirs, resources))
        on_finish(run_dirs[0], 'done')
        return dict(done=[run_dirs[0]], failed=run_dirs[1:], skipped=[])

    monkeypatch.setattr(launch, 'run_sweep', fake_run_sweep)
    prepared = []
    monkeypatch.setattr(launch, 'prepare_datasets', prepared.extend)
    jobs = [bench.seed_job('configs/ssd300.py', str(tmp_path / 'ssd300'),
                           s, 0) for s in (0, 2)]
    finished = []
    out = bench.train_jobs(jobs, parallel=2, progress=False,
                           on_finish=lambda d, st: finished.append((d, st)))
    assert finished == [(str(tmp_path / 'ssd300'), 'done')]
    # The embedded data is generated once, before the parallel runs.
    assert prepared == [str(tmp_path / 'ssd300' / 'config.py'),
                        str(tmp_path / 'ssd300' / 'seed=2' / 'config.py')]
    assert out == {'configs/ssd300.py': 'done',
                   'configs/ssd300.py seed=2': 'failed'}
    (dirs, res), = calls
    assert dirs == [str(tmp_path / 'ssd300'),
                    str(tmp_path / 'ssd300' / 'seed=2')]
    assert res.workers == 2 and res.threads_per_run == max(1,
                                                            cpu_count() // 2)
    own = Config.fromfile(str(tmp_path / 'ssd300' / 'config.py'))
    other = Config.fromfile(str(tmp_path / 'ssd300' / 'seed=2' / 'config.py'))
    assert (own.randomness.seed, other.randomness.seed) == (0, 2)
    assert own.model.bbox_head.type == 'PredictableSSDHead'
    bench.train_jobs(jobs[:1], parallel=1, progress=False,
                     on_finish=lambda d, st: None)
    assert calls[-1][1].workers == 1 and \
        calls[-1][1].threads_per_run == cpu_count()


def test_timing_with_fuse_conv_bn_runs_a_model_without_batch_norms(
        tiny_shapes, tmp_path):
    """--fuse-conv-bn: the model that is timed has every BN of the embedded
    SSD300 folded away and still predicts."""
    import torch.nn as nn
    config = tmp_path / 'ssd300_tiny.py'
    config.write_text(
        f"_base_ = '{osp.abspath('configs/ssd300.py')}'\n"
        f"test_dataloader = dict(dataset=dict(data_root='{tiny_shapes}/'))\n")
    model, samples = bench.build_for_timing(str(config), None, 1,
                                             fuse_conv_bn=True)
    assert not any(isinstance(m, nn.BatchNorm2d) for m in model.modules())
    assert len(model.test_step(samples[0])[0].pred_instances) > 0
    md = bench.render_speed_markdown(
        [dict(name='ssd300', weights='initial', images=1, ms_median=1.,
              ms_mean=1.)], {'cpu': 'x'}, 'cmd', fuse_conv_bn=True)
    assert 'Every BatchNorm is folded' in md


def test_leaderboard_lists_every_top_level_config(tmp_path):
    (tmp_path / 'configs').mkdir()
    for name in ('b.py', 'a.py'):
        (tmp_path / 'configs' / name).write_text('')
    shown = bench.leaderboard_configs(['configs/b.py', 'elsewhere/c.py'],
                                      repo=str(tmp_path))
    assert shown == ['configs/a.py', 'configs/b.py', 'elsewhere/c.py']
    # A study's twin from the record stays on the page while other configs
    # train; a recorded config since deleted does not come back.
    (tmp_path / 'configs' / 'ablations').mkdir()
    (tmp_path / 'configs' / 'ablations' / 'd.py').write_text('')
    shown = bench.leaderboard_configs(
        ['configs/b.py'], repo=str(tmp_path),
        recorded=['configs/ablations/d.py', 'configs/ablations/gone.py'])
    assert shown == ['configs/a.py', 'configs/b.py', 'configs/ablations/d.py']


def test_training_some_configs_keeps_the_rows_of_the_others(tmp_path):
    """The bug this guards: `--configs A B` used to rewrite the page with
    only A and B."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        'benchmark_zoo', f'{recipe.REPO}/tools/benchmark_zoo.py')
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    write_run(tmp_path / 'runs' / 'ssd300', [
        {'iter': 400, 'train_seconds': 600.0, 'coco/bbox_mAP': 0.351}])
    write_run(tmp_path / 'runs' / 'retinanet_r50_fpn', [
        {'iter': 1000, 'train_seconds': 936.0, 'coco/bbox_mAP': 0.396}])
    out = tmp_path / 'page.md'
    record = tmp_path / 'record.json'
    tool.main(['--table-only', '--configs', 'configs/ssd300.py',
               '--root', str(tmp_path / 'runs'), '--out', str(out),
               '--notes', '', '--readme', '', '--record', str(record)])
    page = out.read_text()
    assert '| ssd300 | 400/400 | 35.1 |' in page
    # A run that stopped short of its schedule shows how far it got.
    demo_iters = recipe.max_iters_of('configs/retinanet_r50_fpn.py')
    assert f'| retinanet_r50_fpn | 1000/{demo_iters} | 39.6 |' in page
    assert '| cascade_rcnn_r50_fpn | –/' in page
    saved = json.loads(record.read_text())
    assert sorted(saved['rows']) == ['retinanet_r50_fpn', 'ssd300']
    assert saved['rows']['ssd300']['metrics']['coco/bbox_mAP'] == 0.351


def test_rerun_on_a_fresh_clone_keeps_the_recorded_rows(tmp_path):
    """The bug this guards: the work dirs are git-ignored, so a rerun on
    another machine used to blank every row it did not retrain."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        'benchmark_zoo', f'{recipe.REPO}/tools/benchmark_zoo.py')
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    write_run(tmp_path / 'old' / 'cascade_rcnn_r50_fpn', [
        {'iter': 400, 'train_seconds': 6450.0, 'coco/bbox_mAP': 0.427}],
        timing={'ms_median': 705.0, 'ms_mean': 710.0, 'images': 50})
    record = tmp_path / 'record.json'
    args = ['--table-only', '--out', str(tmp_path / 'page.md'),
            '--notes', '', '--readme', '', '--plot', '', '--record', str(record)]
    tool.main(args + ['--root', str(tmp_path / 'old')])
    # The machine that trained it is gone; a new one trains SSD300 only.
    write_run(tmp_path / 'new' / 'ssd300', [
        {'iter': 400, 'train_seconds': 600.0, 'coco/bbox_mAP': 0.351}])
    tool.main(args + ['--root', str(tmp_path / 'new')])
    page = (tmp_path / 'page.md').read_text()
    assert '| cascade_rcnn_r50_fpn * | 400/400 | 42.7 |' in page
    assert '| 107.5 | 705 |' in page
    assert '| ssd300 | 400/400 | 35.1 |' in page
    assert '\\* from the record of earlier runs' in page
    saved = json.loads(record.read_text())
    assert sorted(saved['rows']) == ['cascade_rcnn_r50_fpn', 'ssd300']
    assert 'recorded' not in saved['rows']['cascade_rcnn_r50_fpn']


def test_interleaved_timing_keeps_per_image_times_and_pins_threads(
        tiny_shapes, tmp_path):
    import statistics
    import torch
    config = tmp_path / 'ssd300_tiny.py'
    config.write_text(
        f"_base_ = '{osp.abspath('configs/ssd300.py')}'\n"
        f"test_dataloader = dict(dataset=dict(data_root='{tiny_shapes}/'))\n")
    before = torch.get_num_threads()
    try:
        (r, ) = bench.time_inference_interleaved([str(config)], [None],
                                                 num_images=2, warmup=1,
                                                 threads=1)
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
    assert r['torch_threads'] == 1 and r['images'] == len(r['ms']) == 2
    assert r['ms_median'] == statistics.median(r['ms'])
    assert all(t > 0 for t in r['ms'])


def test_benchmark_checkpoint_is_the_runs_last_checkpoint(tmp_path):
    run = tmp_path / 'ssd300'
    run.mkdir()
    assert bench.benchmark_checkpoint('configs/ssd300.py',
                                      str(tmp_path)) is None
    ckpt = run / 'iter_400.pth'
    ckpt.write_bytes(b'')
    (run / 'last_checkpoint').write_text(str(ckpt))
    assert bench.benchmark_checkpoint('configs/ssd300.py',
                                      str(tmp_path)) == str(ckpt)
    # A marker that points at a file no longer there counts as untrained.
    ckpt.unlink()
    assert bench.benchmark_checkpoint('configs/ssd300.py',
                                      str(tmp_path)) is None


def test_seed_jobs_keep_the_configs_own_seed_in_its_work_dir():
    own = recipe.config_seed('configs/ssd300.py')
    assert own == 0
    job = bench.seed_job('configs/ssd300.py', 'w/ssd300', own, own)
    assert job == bench.TrainJob('configs/ssd300.py', 'w/ssd300')
    assert job.label == 'configs/ssd300.py'
    assert bench.seed_job('configs/ssd300.py', 'w/ssd300', None, own) == job
    job = bench.seed_job('configs/ssd300.py', 'w/ssd300', 2, own)
    assert job.work_dir == osp.join('w/ssd300', 'seed=2')
    assert job.seed == 2 and job.label == 'configs/ssd300.py seed=2'


def test_seed_statistics_count_only_finished_seeds(tmp_path):
    run = tmp_path / 'ssd300'
    final = dict(train_seconds=60.0, **{'coco/bbox_mAP_50': 0.5})
    write_run(run, [{'iter': 400, 'coco/bbox_mAP': 0.351, **final}])
    write_run(run / 'seed=1', [{'iter': 400, 'coco/bbox_mAP': 0.415,
                                **final}])
    write_run(run / 'seed=2', [{'iter': 400, 'coco/bbox_mAP': 0.380,
                                **dict(final, **{'coco/bbox_mAP_50': 0.8})}])
    # Still training: its AP at iteration 300 must not be averaged in.
    write_run(run / 'seed=3', [{'iter': 300, 'coco/bbox_mAP': 0.1, **final}])
    (run / 'seed=x').mkdir()
    (run / 'seed=1' / 'compute_path.json').write_text(
        json.dumps(dict(precision='bf16', aten_isa='AVX512')))
    row = bench.collect_seeds('configs/ssd300.py', str(run), own_seed=0)
    assert row['seeds'] == [0, 1, 2]
    assert row['ap'] == [0.351, 0.415, 0.380]
    # what each finished seed cost, and on which path where it says
    assert row['train_minutes'] == [1.0, 1.0, 1.0]
    assert row['compute_paths'] == [None, 'bf16 AVX512', None]
    # Each finished seed's last validations, metrics only (no timings).
    assert row['tails'][2] == [{'iter': 400, 'coco/bbox_mAP': 0.380,
                                'coco/bbox_mAP_50': 0.8}]
    mean, sd = row['stats']['mAP']
    # Hand-computed: mean 1.146 / 3 = 0.382; deviations -0.031, 0.033,
    # -0.002; sample variance (0.000961 + 0.001089 + 0.000004) / 2.
    assert abs(mean - 0.382) < 1e-12
    assert abs(sd - (0.002054 / 2) ** 0.5) < 1e-12
    assert abs(row['stats']['mAP_50'][0] - 0.6) < 1e-12
    assert row['stats']['mAP_s'] == (None, None)

    md = bench.render_markdown([bench.collect_row('configs/ssd300.py',
                                                  str(run))],
                               {'cpu': 'x'}, 'cmd', seed_rows=[row])
    lines = md.splitlines()
    assert '| ssd300 | 0, 1, 2 | 35.1 / 41.5 / 38.0 | 38.2 ± 3.2 | 60.0 ' \
           '| – | – | – | – |' in lines
    assert lines.index('## Seeds') < lines.index('## AP against training '
                                                 'minutes')


def test_seed_table_needs_two_finished_seeds(tmp_path):
    run = tmp_path / 'ssd300'
    write_run(run, [{'iter': 400, 'train_seconds': 1.0,
                     'coco/bbox_mAP': 0.351}])
    row = bench.collect_seeds('configs/ssd300.py', str(run), own_seed=0)
    assert row['seeds'] == [0]
    assert bench.render_seed_table([row]) == []
    assert '## Seeds' not in bench.render_markdown([], {'cpu': 'x'}, 'cmd',
                                                   seed_rows=[row])


def test_a_run_is_timed_once_per_set_of_weights(tmp_path):
    import os
    ckpt = tmp_path / 'iter_400.pth'
    ckpt.write_bytes(b'')
    assert bench.needs_timing(str(tmp_path), str(ckpt))
    timing = tmp_path / 'inference_timing.json'
    timing.write_text('{}')
    os.utime(ckpt, (1000, 1000))
    os.utime(timing, (2000, 2000))
    assert not bench.needs_timing(str(tmp_path), str(ckpt))
    # Retrained (a newer checkpoint): the old time is stale.
    os.utime(ckpt, (3000, 3000))
    assert bench.needs_timing(str(tmp_path), str(ckpt))


def test_curve_plot_is_a_png_linked_from_the_page(tmp_path):
    import cv2
    run = tmp_path / 'ssd300'
    write_run(run, [{'iter': 200, 'train_seconds': 600.0,
                     'coco/bbox_mAP': 0.1},
                    {'iter': 400, 'train_seconds': 1200.0,
                     'coco/bbox_mAP': 0.3}])
    rows = [bench.collect_row('configs/ssd300.py', str(run)),
            bench.collect_row('configs/ssd512.py', str(tmp_path / 'none'))]
    path = bench.plot_curves(rows, str(tmp_path / 'images' / 'curves.png'))
    img = cv2.imread(path)
    assert img is not None and img.shape[2] == 3 and min(img.shape[:2]) > 300
    # Nothing validated yet: no picture, and no link to one.
    assert bench.plot_curves(rows[1:], str(tmp_path / 'x.png')) is None
    assert not (tmp_path / 'x.png').exists()
    md = bench.render_markdown(rows, {'cpu': 'x'}, 'cmd',
                               plot='images/curves.png')
    assert '![AP against training minutes](images/curves.png)' in md
    assert '![' not in bench.render_markdown(rows, {'cpu': 'x'}, 'cmd')


def test_timing_with_channels_last_folds_first_then_runs_nhwc(
        tiny_shapes, tmp_path):
    """--fuse-conv-bn --channels-last: the folded convs (new weights) are
    NHWC too, and the model predicts what the NCHW one does."""
    import torch
    import torch.nn as nn
    config = tmp_path / 'ssd300_tiny.py'
    config.write_text(
        f"_base_ = '{osp.abspath('configs/ssd300.py')}'\n"
        f"test_dataloader = dict(dataset=dict(data_root='{tiny_shapes}/'))\n")
    torch.manual_seed(0)
    nchw, samples = bench.build_for_timing(str(config), None, 1,
                                            fuse_conv_bn=True)
    torch.manual_seed(0)
    nhwc, _ = bench.build_for_timing(str(config), None, 1, fuse_conv_bn=True,
                                      channels_last=True)
    convs = [m for m in nhwc.modules() if isinstance(m, nn.Conv2d)]
    assert all(m.weight.is_contiguous(memory_format=torch.channels_last)
               for m in convs)
    with torch.no_grad():
        a = nchw.test_step(samples[0])[0].pred_instances
        b = nhwc.test_step(samples[0])[0].pred_instances
    assert len(a) == len(b) > 0
    assert torch.allclose(a.scores, b.scores, atol=1e-4)
    md = bench.render_speed_markdown(
        [dict(name='ssd300', weights='initial', images=1, ms_median=1.,
              ms_mean=1.)], {'cpu': 'x'}, 'cmd', fuse_conv_bn=True,
        channels_last=True)
    assert 'activations are NHWC (--channels-last)' in md


def test_record_fills_only_what_the_work_dirs_lack(tmp_path):
    ssd300 = recipe.recipe_fingerprint('configs/ssd300.py')
    old_row = dict(name='ssd300', max_iters=400, iter=400, recipe=ssd300,
                   curve=[{'iter': 400}], metrics={'coco/bbox_mAP': 0.3})
    old_seeds = dict(name='ssd300', seeds=[0, 1, 2], ap=[0.3, 0.4, 0.35],
                     recipe=ssd300, stats={'mAP': [0.35, 0.05]})
    record = dict(rows={'ssd300': old_row, 'ssd512': dict(
        old_row, name='ssd512', recipe='an-older-one')},
        seeds={'ssd300': old_seeds})
    fresh = bench.collect_row('configs/ssd300.py', str(tmp_path / 'none'))
    other = bench.collect_row('configs/ssd512.py', str(tmp_path / 'none'))
    seeds = bench.collect_seeds('configs/ssd300.py', str(tmp_path / 'none'))
    rows, seed_rows = zoo_record.merge_with_record([fresh, other], [seeds], record)
    assert rows[0]['recorded'] and rows[0]['metrics'] == old_row['metrics']
    assert rows[0]['config'] == 'configs/ssd300.py'
    # Recorded for another recipe of SSD512: not shown for this one.
    assert 'recorded' not in rows[1] and 'metrics' not in rows[1]
    assert seed_rows[0]['seeds'] == [0, 1, 2] and seed_rows[0]['recorded']
    # A work dir that has validated wins over the record, finished or not.
    run = tmp_path / 'ssd300'
    write_run(run, [{'iter': 100, 'train_seconds': 60.0,
                     'coco/bbox_mAP': 0.05}])
    live = bench.collect_row('configs/ssd300.py', str(run))
    (row, ), _ = zoo_record.merge_with_record([live], [], record)
    assert row['iter'] == 100 and 'recorded' not in row
    path = tmp_path / 'r.json'
    zoo_record.save_record(str(path), rows, seed_rows, {'cpu': 'x'})
    back = zoo_record.load_record(str(path))
    assert back['rows']['ssd300']['metrics'] == old_row['metrics']
    assert back['seeds']['ssd300']['ap'] == [0.3, 0.4, 0.35]
    assert back['environment'] == {'cpu': 'x'}
    # Re-rendering keeps what it has nothing new for, a stale recipe too:
    # the ssd512 row of an older recipe is not shown but not deleted.
    with open(path, 'w') as f:
        json.dump(record, f)
    zoo_record.save_record(str(path), rows, seed_rows, {'cpu': 'y'})
    back = zoo_record.load_record(str(path))
    assert back['rows']['ssd512']['recipe'] == 'an-older-one'
    assert back['rows']['ssd300']['metrics'] == old_row['metrics']
    assert zoo_record.load_record(str(tmp_path / 'missing.json')) == \
        dict(rows={}, seeds={}, environment={})


def test_plan_jobs_trains_what_is_neither_done_here_nor_recorded(tmp_path):
    """Seed by seed: ssd300's own run is in the record (skipped), the
    refinedet320 run is done here (skipped); seed 7 of ssd300 is recorded
    too but was begun on this machine, so it resumes; --retrain trains the
    recorded run again."""
    ssd, rd = 'configs/ssd300.py', 'configs/refinedet320.py'
    work = {ssd: str(tmp_path / 'ssd300'), rd: str(tmp_path / 'refinedet320')}
    own = {c: recipe.config_seed(c) for c in work}
    fp, iters = recipe.current_recipe(ssd), recipe.max_iters_of(ssd)
    record = dict(environment={}, rows={'ssd300': dict(
        name='ssd300', recipe=fp, iter=iters, max_iters=iters)},
        seeds={'ssd300': dict(recipe=fp, seeds=[7])})
    (tmp_path / 'refinedet320').mkdir()
    (tmp_path / 'refinedet320' / 'DONE').write_text('{}')
    begun = tmp_path / 'ssd300' / 'seed=7'
    begun.mkdir(parents=True)
    begun.joinpath('val_metrics.jsonl').write_text(json.dumps(
        {'iter': 100, 'coco/bbox_mAP': 0.1, 'train_seconds': 60.0}) + '\n')
    planned = bench.plan_jobs([ssd, rd], work, [None, 7], own, record)
    assert [(job.label, why) for job, why in planned] == [
        (ssd, 'recorded'), (rd, 'trained'),
        (f'{ssd} seed=7', None), (f'{rd} seed=7', None)]
    assert planned[2][0].work_dir == str(begun)
    again = bench.plan_jobs([ssd, rd], work, [None], own, record,
                            retrain=True)
    assert [why for _, why in again] == [None, 'trained']
