"""The time-to-accuracy page: the first validation at or above the target,
its training minutes and the compute path, from real work-dir files."""
import json

import pytest

from custom_modules.analysis import time_to_accuracy as tta


def write_run(root, points, path=None, extra_lines=()):
    root.mkdir(parents=True, exist_ok=True)
    with open(root / 'val_metrics.jsonl', 'w') as f:
        for it, secs, ap in points:
            f.write(json.dumps({'iter': it, 'train_seconds': secs,
                                'coco/bbox_mAP': ap}) + '\n')
        for line in extra_lines:
            f.write(line + '\n')
    if path is not None:
        (root / 'compute_path.json').write_text(json.dumps(path))
    return str(root)


FP32_AVX2 = dict(device='cpu', precision='fp32', aten_isa='AVX2',
                 onednn_max_isa='AVX2', native_bf16=False, threads=2,
                 channels_last=True)


def test_first_validation_at_target_and_its_minutes(tmp_path):
    d = write_run(tmp_path / 'demo', [(200, 240.0, 0.31), (400, 480.0, 0.49),
                                      (600, 720.0, 0.502), (800, 960.0, 0.52)],
                  FP32_AVX2)
    run = tta.read_run(d)
    s = tta.summarize(run, 0.50)
    assert s['hit_iter'] == 600
    assert s['hit_minutes'] == pytest.approx(12.0)
    assert s['final_ap'] == pytest.approx(0.52)
    assert s['s_per_iter'] == pytest.approx(1.2)
    assert s['path'] == ('fp32, ATen AVX2, oneDNN AVX2, 2 threads, NHWC, '
                         'no native bf16')
    assert tta.summarize(run, 0.53)['hit_iter'] is None
    capped = dict(FP32_AVX2, native_bf16=True)
    assert tta.describe_path(capped).endswith('bf16 off on a bf16 CPU')
    assert tta.describe_path(dict(capped, precision='bf16')).endswith(
        ', native bf16')


def test_resumed_run_keeps_the_later_record_of_an_iteration(tmp_path):
    d = write_run(tmp_path / 'r', [(200, 240.0, 0.30), (200, 250.0, 0.31),
                                   (400, 500.0, 0.40)], extra_lines=[''])
    run = tta.read_run(d, 'resumed')
    assert [r['iter'] for r in run['curve']] == [200, 400]
    assert run['curve'][0]['train_seconds'] == 250.0
    assert run['label'] == 'resumed'
    assert tta.describe_path(run['path']) == 'not recorded'


def test_missing_record_is_one_clear_error(tmp_path):
    with pytest.raises(ValueError, match='has no val_metrics.jsonl'):
        tta.read_run(str(tmp_path))


def test_page_and_plot(tmp_path):
    a = tta.read_run(write_run(tmp_path / 'a', [(100, 60.0, 0.2),
                                                (200, 120.0, 0.55)],
                               FP32_AVX2), 'fp32')
    b = tta.read_run(write_run(tmp_path / 'b', [(100, 30.0, 0.1)],
                               dict(FP32_AVX2, precision='bf16',
                                    aten_isa='AVX512', native_bf16=True,
                                    onednn_max_isa='default')), 'bf16')
    page = tta.render_markdown([a, b], 0.5, 'python x', ['| m |'], 'p.png')
    assert '| fp32 | fp32, ATen AVX2, oneDNN AVX2' in page
    assert 'iter 200, 2.0 min | 55.0 | 200 | 2.0 | 0.60 |' in page
    assert '| bf16 | bf16, ATen AVX512, oneDNN max' in page
    assert 'not reached | 10.0 |' in page
    assert '- **fp32**: 100: 20.0 (1.0 min), 200: 55.0 (2.0 min)' in page
    png = tta.plot_runs([a, b], str(tmp_path / 'img' / 'c.png'), 0.5)
    with open(png, 'rb') as f:
        assert f.read(8) == b'\x89PNG\r\n\x1a\n'


def test_curve_from_the_committed_record(tmp_path):
    record = tmp_path / 'benchmark_results.json'
    record.write_text(json.dumps({'rows': {'retinanet_r50_fpn': {'curve': [
        {'iter': 200, 'train_seconds': 120.0, 'coco/bbox_mAP': 0.2},
        {'iter': 400, 'train_seconds': 240.0, 'coco/bbox_mAP': 0.51}]}}}))
    run = tta.read_record(str(record), 'retinanet_r50_fpn', 'bf16 demo')
    s = tta.summarize(run, 0.5)
    assert (s['hit_iter'], s['hit_minutes']) == (400, 4.0)
    assert s['label'] == 'bf16 demo' and s['path'] == 'not recorded'
    with pytest.raises(ValueError, match="no curve for 'ssd300'"):
        tta.read_record(str(record), 'ssd300')


def test_committed_record_holds_the_demo_curve():
    """The page in docs/ draws the bf16 demo from the real record."""
    run = tta.read_record('docs/benchmark_results.json', 'retinanet_r50_fpn')
    iters = [r['iter'] for r in run['curve']]
    assert iters == sorted(iters) and len(iters) >= 2


def test_page_keeps_its_runs_and_a_new_run_replaces_its_label(tmp_path):
    """A run re-read after more training replaces the old one of the same
    label; a run from another machine joins the kept ones, in order."""
    store = tta.store_path(str(tmp_path / 'docs' / 'tta.md'))
    assert store == str(tmp_path / 'docs' / 'tta.json')
    assert tta.load_runs(store) == []
    old = tta.read_run(write_run(tmp_path / 'a', [(100, 60.0, 0.2)],
                                 FP32_AVX2), 'seed 0')
    other = tta.read_run(write_run(tmp_path / 'b', [(100, 30.0, 0.3)]),
                         'bf16')
    tta.save_runs(store, [old, other])
    longer = tta.read_run(write_run(tmp_path / 'a2', [(100, 60.0, 0.2),
                                                      (200, 120.0, 0.51)],
                                    FP32_AVX2), 'seed 0')
    laptop = tta.read_run(write_run(tmp_path / 'c', [(100, 90.0, 0.25)],
                                    FP32_AVX2), 'laptop')
    runs = tta.merge_runs(tta.load_runs(store), [laptop, longer])
    assert [r['label'] for r in runs] == ['seed 0', 'bf16', 'laptop']
    assert [r['iter'] for r in runs[0]['curve']] == [100, 200]
    assert [r['label'] for r in tta.merge_runs(runs, [], ['bf16'])] == [
        'seed 0', 'laptop']
    with pytest.raises(ValueError, match="no run labelled 'bfl6' to drop; "
                       "the page has: 'seed 0', 'bf16', 'laptop'"):
        tta.merge_runs(runs, [], ['bfl6'])


def test_a_store_that_is_not_the_tools_is_one_clear_error(tmp_path):
    store = tmp_path / 'tta.json'
    store.write_text('{"rows": {}}')
    with pytest.raises(ValueError, match='is not a time-to-accuracy run '
                       'store; move it away or pass --fresh'):
        tta.load_runs(str(store))


def test_machine_table_has_a_row_per_run(tmp_path):
    a = dict(label='zen4', machine=dict(cpu='AMD EPYC', torch='2.13.0'))
    b = dict(label='laptop', machine=dict(cpu='i7', cores='4'))
    assert tta.machine_rows([a, b, dict(label='old')]) == [
        '| run | cpu | torch | cores |', '|---|---|---|---|',
        '| zen4 | AMD EPYC | 2.13.0 | not recorded |',
        '| laptop | i7 | not recorded | 4 |',
        '| old | not recorded | not recorded | not recorded |']


def test_cli_adds_a_run_to_the_kept_page_and_the_readme(tmp_path, run_tool):
    """The tool end to end on real files: a second call with a new work dir
    keeps the first call's run, and the README section shows both."""
    # The page's folder does not exist yet (the default --out is under
    # work_dirs/analysis/, which a fresh clone lacks).
    out, readme = tmp_path / 'pages' / 'tta.md', tmp_path / 'README.md'
    readme.write_text('# x\n')
    a = write_run(tmp_path / 'a', [(100, 600.0, 0.45), (200, 1140.0, 0.52)],
                  FP32_AVX2)
    b = write_run(tmp_path / 'b', [(100, 700.0, 0.40)], FP32_AVX2)
    tool = ['tools/analysis/time_to_accuracy.py']
    for run in (f'{a}:first', f'{b}:second'):
        proc = run_tool(tool + [run, '--out', str(out), '--readme',
                                str(readme)])
        assert proc.returncode == 0, proc.stderr
    page = out.read_text()
    assert '| first | fp32, ATen AVX2' in page
    assert 'iter 200, 19.0 min | 52.0 |' in page
    assert '| second | fp32, ATen AVX2' in page and 'not reached' in page
    assert (f'- **first** (`python tools/analysis/time_to_accuracy.py '
            f'{a}:first') in page
    text = readme.read_text()
    assert '| first |' in text and '| second |' in text
    assert [r['label'] for r in tta.load_runs(str(out.with_suffix('.json')))] \
        == ['first', 'second']
    assert (out.parent / 'images' / 'tta.png').is_file()
    proc = run_tool(tool + ['--drop', 'thrid', '--out', str(out)])
    assert proc.returncode != 0
    assert proc.stderr.strip().endswith("no run labelled 'thrid' to drop; "
                                        "the page has: 'first', 'second'")
    proc = run_tool(tool + ['--drop', 'first', '--out', str(out)])
    assert proc.returncode == 0, proc.stderr
    assert '| first |' not in out.read_text()


def test_readme_section_is_the_committed_stores_rendering():
    """The README's time-to-accuracy numbers are never typed: they are the
    committed store's runs as the tool renders them (target 50 AP)."""
    runs = tta.load_runs('docs/time_to_accuracy.json')
    assert runs and all(r.get('machine') and r.get('command') for r in runs)
    with open('README.md') as f:
        readme = f.read()
    assert '\n'.join(tta.summary_table(runs, 0.5)) in readme


@pytest.mark.parametrize('page,target', [('docs/time_to_accuracy.md', 0.5),
                                         ('docs/demo_recipe_probes.md', 0.15)])
def test_each_committed_page_is_its_stores_rendering(page, target):
    """A page of this tool can be regenerated on any machine: its store is
    committed beside it and holds every run the page's table shows."""
    runs = tta.load_runs(tta.store_path(page))
    assert runs and all(r.get('machine') and r.get('command') for r in runs)
    with open(page) as f:
        text = f.read()
    assert '\n'.join(tta.summary_table(runs, target)) in text


def test_rename_keeps_a_superseded_recipes_runs_under_a_new_label(
        tmp_path, run_tool):
    """A config's recipe changed: its old run keeps its numbers under a
    label naming the old recipe, and the new run takes the config's name.
    A rename of a label the page lacks, or without '=', is one line."""
    out = tmp_path / 'tta.md'
    a = write_run(tmp_path / 'a', [(100, 600.0, 0.45)], FP32_AVX2)
    b = write_run(tmp_path / 'b', [(100, 500.0, 0.51)], FP32_AVX2)
    tool = ['tools/analysis/time_to_accuracy.py', '--out', str(out)]
    assert run_tool(tool + [f'{a}:recipe']).returncode == 0
    proc = run_tool(tool + [f'{b}:recipe', '--rename',
                            'recipe=recipe before the change'])
    assert proc.returncode == 0, proc.stderr
    runs = tta.load_runs(str(out.with_suffix('.json')))
    assert [(r['label'], r['curve'][-1]['coco/bbox_mAP']) for r in runs] == [
        ('recipe before the change', 0.45), ('recipe', 0.51)]
    assert "--rename 'recipe=recipe before the change'" in runs[1]['command']
    proc = run_tool(tool + ['--rename', 'recipy=x'])
    assert proc.returncode != 0
    assert proc.stderr.strip().splitlines()[-1].endswith(
        "no run labelled 'recipy' to rename; the page has: 'recipe before "
        "the change', 'recipe'")
    proc = run_tool(tool + ['--rename', 'recipe'])
    assert proc.returncode != 0
    assert proc.stderr.strip().splitlines()[-1].endswith(
        "--rename 'recipe': write OLD LABEL=NEW LABEL")
