"""tools/benchmark_zoo.py end to end on work dirs written to disk: the seed
table from runs in <work dir>/seed=<s>, and a bad --seeds refused in one
line."""
import json

from test_cli_errors import assert_one_line_error


def write_final(work_dir, ap, iters):
    work_dir.mkdir(parents=True)
    (work_dir / 'val_metrics.jsonl').write_text(json.dumps(
        {'iter': iters, 'train_seconds': 60.0, 'coco/bbox_mAP': ap,
         'coco/bbox_mAP_50': 0.6}) + '\n')


def test_table_only_renders_every_finished_seed(tmp_path, run_tool):
    root = tmp_path / 'runs'
    write_final(root / 'refinedet320', 0.350, 400)
    write_final(root / 'refinedet320' / 'seed=1', 0.354, 400)
    write_final(root / 'ssd300', 0.351, 400)
    out = tmp_path / 'page.md'
    readme = tmp_path / 'README.md'
    readme.write_text('# A\n\n<!-- zoo:begin -->\nold\n<!-- zoo:end -->\n\nB\n')
    proc = run_tool(['tools/benchmark_zoo.py', '--table-only', '--root',
                     str(root), '--out', str(out), '--notes', '',
                     '--readme', str(readme),
                     '--record', str(tmp_path / 'record.json')])
    assert proc.returncode == 0, proc.stderr[-2000:]
    # The README's section is the record's rendering, the rest untouched.
    text = readme.read_text()
    assert text.startswith('# A\n\n<!-- zoo:begin -->\n| config | iters |')
    assert text.endswith('<!-- zoo:end -->\n\nB\n') and 'old' not in text
    assert '| `configs/refinedet320.py` | 400/400 | 35.0 |' in text
    page = out.read_text().splitlines()
    assert '| refinedet320 | 0, 1 | 35.0 / 35.4 | 35.2 ± 0.3 | 60.0 | – ' \
           '| – | – | – |' in page
    # One seed is no spread: SSD300 keeps its leaderboard row only.
    seeds = page[page.index('## Seeds'):page.index(
        '## AP against training minutes')]
    assert not any(ln.startswith('| ssd300 ') for ln in seeds)
    assert any(ln.startswith('| ssd300 | 400/400 | 35.1 |') for ln in page)
    # The curve picture lands next to the page, linked relatively.
    assert (tmp_path / 'images' / 'benchmark_curves.png').stat().st_size > 0
    assert '![AP against training minutes](images/benchmark_curves.png)' \
        in page


def test_a_zoo_without_a_record_lists_only_what_it_has(tmp_path, run_tool):
    """--record '' (a side zoo on another compute path): the page lists the
    configs named and those with a work dir under --root, not a row of
    dashes for every other config of the repo."""
    root = tmp_path / 'runs'
    write_final(root / 'ssd300', 0.351, 400)
    write_final(root / 'refinedet320', 0.350, 400)
    out = tmp_path / 'page.md'
    proc = run_tool(['tools/benchmark_zoo.py', '--table-only', '--root',
                     str(root), '--out', str(out), '--notes', '',
                     '--readme', '', '--record', '', '--configs',
                     'configs/ssd300.py', 'configs/ssd512.py'])
    assert proc.returncode == 0, proc.stderr[-2000:]
    board = [ln.split(' | ')[0] for ln in out.read_text().splitlines()
             if ln.startswith('| ') and '/' in ln.split(' | ')[1]]
    assert board == ['| refinedet320', '| ssd300', '| ssd512']
    # The page names the command that made it, caps included.
    assert 'Produced by `python tools/benchmark_zoo.py --table-only --root' \
        in out.read_text()


def test_a_side_zoo_keeps_its_own_record_and_leaves_the_readme(
        tmp_path, run_tool):
    """--side with its own --record: a zoo on another compute path whose
    work dirs died with its machine still shows what its record holds, lists
    nothing else, and never writes the README's table."""
    record, out = tmp_path / 'side.json', tmp_path / 'page.md'
    readme = tmp_path / 'README.md'
    readme.write_text('<!-- zoo:begin -->\nmain\n<!-- zoo:end -->\n')
    args = ['tools/benchmark_zoo.py', '--table-only', '--side', '--out',
            str(out), '--notes', '', '--readme', str(readme), '--record',
            str(record), '--plot', '']
    write_final(tmp_path / 'old' / 'ssd300', 0.351, 400)
    proc = run_tool(args + ['--root', str(tmp_path / 'old'),
                            '--configs', 'configs/ssd300.py'])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert sorted(json.loads(record.read_text())['rows']) == ['ssd300']
    # the next machine: no work dir of SSD300, a RefineDet run of its own
    write_final(tmp_path / 'new' / 'refinedet320', 0.350, 400)
    proc = run_tool(args + ['--root', str(tmp_path / 'new'), '--configs',
                            'configs/refinedet320.py'])
    assert proc.returncode == 0, proc.stderr[-2000:]
    board = [ln.split(' | ')[0] for ln in out.read_text().splitlines()
             if ln.startswith('| ') and '/' in ln.split(' | ')[1]]
    assert board == ['| refinedet320', '| ssd300 *']
    assert f'from the record of earlier runs ({record})' in out.read_text()
    assert readme.read_text() == \
        '<!-- zoo:begin -->\nmain\n<!-- zoo:end -->\n'


def test_bad_seed_list_is_one_line(tmp_path, run_tool):
    proc = run_tool(['tools/benchmark_zoo.py', '--seeds', '0,one',
                     '--root', str(tmp_path), '--out',
                     str(tmp_path / 'p.md'), '--record',
                     str(tmp_path / 'r.json')])
    assert_one_line_error(proc, "--seeds '0,one' is not a seed list",
                          "'0,1,2'")
    assert not (tmp_path / 'p.md').exists()


def test_pages_are_written_as_each_run_finishes(tmp_path, run_tool,
                                                monkeypatch):
    """A zoo of hours rewrites its record after every finished run, so a
    session killed before the end has already written those rows."""
    from custom_modules.apis import benchmark as bench
    root, record = tmp_path / 'runs', tmp_path / 'record.json'
    seen_mid_run = []

    def fake_train_jobs(jobs, parallel=1, progress=True, on_finish=None):
        assert [j.label for j in jobs] == ['configs/ssd300.py',
                                           'configs/refinedet320.py']
        write_final(root / 'ssd300', 0.351, 400)
        on_finish(str(root / 'ssd300'), 'done')
        # refinedet320 is still training here
        seen_mid_run.append(json.loads(record.read_text()))
        return {jobs[0].label: 'done', jobs[1].label: 'failed'}

    monkeypatch.setattr(bench, 'train_jobs', fake_train_jobs)
    proc = run_tool(['tools/benchmark_zoo.py', '--configs',
                     'configs/ssd300.py', 'configs/refinedet320.py',
                     '--root', str(root), '--out', str(tmp_path / 'p.md'),
                     '--notes', '', '--readme', '', '--record', str(record),
                     '--plot', ''])
    assert proc.returncode == 0, proc.stderr[-2000:]
    mid, = seen_mid_run
    assert mid['rows']['ssd300']['metrics']['coco/bbox_mAP'] == 0.351
    assert 'metrics' not in mid['rows'].get('refinedet320', {})


def test_an_interrupted_zoo_says_how_to_resume_in_one_line(
        tmp_path, run_tool, monkeypatch):
    from custom_modules.apis import benchmark as bench

    def interrupted(jobs, parallel=1, progress=True, on_finish=None):
        raise KeyboardInterrupt   # what run_sweep re-raises on SIGTERM

    monkeypatch.setattr(bench, 'train_jobs', interrupted)
    proc = run_tool(['tools/benchmark_zoo.py', '--configs',
                     'configs/ssd300.py', '--root', str(tmp_path / 'runs'),
                     '--out', str(tmp_path / 'p.md'), '--record',
                     str(tmp_path / 'r.json')])
    assert proc.returncode == 130
    assert proc.stderr.strip().splitlines() == [
        'interrupted; rerun the same command to resume']


def test_a_rerun_on_a_new_machine_goes_on_from_the_record(
        tmp_path, run_tool, monkeypatch):
    """Work dirs die with the machine that trained them: a run the record
    holds finished with the present recipe is not trained again, unless
    --retrain; a run begun on this machine resumes even so."""
    from custom_modules.apis import benchmark as bench
    from custom_modules.apis import recipe
    ssd = 'configs/ssd300.py'
    iters = recipe.max_iters_of(ssd)
    record = tmp_path / 'r.json'
    record.write_text(json.dumps({'environment': {}, 'seeds': {}, 'rows': {
        'ssd300': {'name': 'ssd300', 'config': ssd, 'iter': iters,
                   'max_iters': iters, 'recipe': recipe.current_recipe(ssd),
                   'metrics': {'coco/bbox_mAP': 0.351},
                   'curve': [{'iter': iters, 'train_seconds': 60.0,
                              'coco/bbox_mAP': 0.351}]}}}))
    trained = []

    def fake_train_jobs(jobs, parallel=1, progress=True, on_finish=None):
        trained.append([j.label for j in jobs])
        return {j.label: 'done' for j in jobs}

    monkeypatch.setattr(bench, 'train_jobs', fake_train_jobs)
    root = tmp_path / 'runs'
    args = ['tools/benchmark_zoo.py', '--configs', ssd,
            'configs/refinedet320.py', '--root', str(root), '--out',
            str(tmp_path / 'p.md'), '--notes', '', '--readme', '',
            '--record', str(record), '--plot', '']
    proc = run_tool(args)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert trained.pop() == ['configs/refinedet320.py']
    assert (f'[benchmark] {ssd}: finished in {record} with this recipe, '
            'skipped (--retrain trains it again)') in proc.stdout
    assert '| ssd300 * | ' in (tmp_path / 'p.md').read_text()
    proc = run_tool(args + ['--retrain'])
    assert trained.pop() == [ssd, 'configs/refinedet320.py']
    (root / 'ssd300').mkdir(parents=True)
    (root / 'ssd300' / 'val_metrics.jsonl').write_text(json.dumps(
        {'iter': 50, 'train_seconds': 6.0, 'coco/bbox_mAP': 0.01}) + '\n')
    proc = run_tool(args)
    assert trained.pop() == [ssd, 'configs/refinedet320.py']
