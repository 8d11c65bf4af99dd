"""Paper claims: seeds paired across arms, the Student-t interval of the
paired difference, the plateau rule, and the record as a fallback, on real
work-dir files."""
import json
import shutil
from dataclasses import replace

import pytest

from custom_modules.analysis import paper_claims as pc


def write_run(path, curve, metric='coco/bbox_mAP', done=True):
    """A work dir with val_metrics.jsonl (``curve`` in AP %) and, for a run
    that reached the end of its schedule, tools/train.py's DONE."""
    path.mkdir(parents=True, exist_ok=True)
    with open(path / 'val_metrics.jsonl', 'w') as f:
        for it, ap in curve:
            f.write(json.dumps({'iter': it, metric: ap / 100}) + '\n')
    if done:
        (path / 'DONE').write_text('{}')
    return str(path)


def test_a_run_still_training_is_not_a_result(tmp_path):
    c = claim(tmp_path)
    write_run(tmp_path / 'a' / 'seed=0', [(100, 20.0), (200, 30.0)])
    write_run(tmp_path / 'a' / 'seed=1', [(100, 5.0)], done=False)
    assert [r.seed for r in pc.judge(c).baseline] == [0]


def claim(tmp_path, paper=(30.0, 33.0), metric='coco/bbox_mAP'):
    return pc.Claim(
        key='k', title='B beats A', source='a paper', setting='s',
        metric=metric,
        baseline=pc.Arm('A', paper[0], (str(tmp_path / 'a' / 'seed=*'),)),
        treatment=pc.Arm('B', paper[1], (str(tmp_path / 'b' / 'seed=*'),)),
        commands=('python tools/train.py X',))


def test_t_interval_by_hand():
    # diffs 2, 3, 4: mean 3, sd 1, t(0.975, 2 df) = 4.302653.
    mean, (low, high) = pc.t_interval([2.0, 3.0, 4.0])
    half = 4.302653 / 3 ** 0.5
    assert mean == pytest.approx(3.0)
    assert low == pytest.approx(3 - half, abs=1e-5)
    assert high == pytest.approx(3 + half, abs=1e-5)
    assert pc.t_interval([5.0]) == (5.0, None)


def test_plateau_is_the_last_two_validations_within_one_ap():
    assert pc.at_plateau([(200, 30.0), (300, 39.0), (400, 39.9)]) is True
    assert pc.at_plateau([(300, 38.0), (400, 39.5)]) is False
    assert pc.at_plateau([(400, 39.5)]) is None


def test_seed_from_dir_name_or_dumped_config(tmp_path):
    assert pc.run_seed(str(tmp_path / 'gamma=2_alpha=0.25_seed=4')) == 4
    own = tmp_path / 'ssd300'
    own.mkdir()
    (own / 'ssd300.py').write_text(
        "model = dict(type='SSD')\nrandomness = dict(seed=7)\n")
    assert pc.run_seed(str(own)) == 7


def test_resumed_run_keeps_the_last_record_of_an_iteration(tmp_path):
    d = write_run(tmp_path / 'r', [(100, 10.0), (200, 20.0), (200, 21.0)])
    assert pc.read_curve(d, 'coco/bbox_mAP') == [(100, 10.0), (200, 21.0)]


def test_reproduced_when_the_paired_interval_excludes_zero(tmp_path):
    for s, (a, b) in enumerate([(30.0, 32.0), (35.0, 38.0), (32.0, 36.0)]):
        write_run(tmp_path / 'a' / f'seed={s}', [(300, a - 0.5), (400, a)])
        write_run(tmp_path / 'b' / f'seed={s}', [(300, b + 0.5), (400, b)])
    v = pc.judge(claim(tmp_path))
    assert [s for s, _, _ in v.pairs] == [0, 1, 2]
    assert v.diff_mean == pytest.approx(3.0)
    assert v.verdict == 'reproduced'
    # The same runs against a paper that says B is worse.
    assert pc.judge(claim(tmp_path, paper=(33.0, 30.0))).verdict == \
        'not reproduced'
    page = pc.render_markdown([v], {'cpu': 'x'}, 'cmd')
    assert '| B beats A | bbox_mAP | 30.0 → 33.0 (+3.0) |' in page
    assert '+3.0 [+0.5, +5.5]' in page
    assert '**reproduced**' in page


def test_inconclusive_reasons(tmp_path):
    for s, (a, b) in enumerate([(30.0, 32.0), (35.0, 38.0)]):
        write_run(tmp_path / 'a' / f'seed={s}', [(300, a), (400, a)])
        write_run(tmp_path / 'b' / f'seed={s}', [(300, b), (400, b)])
    v = pc.judge(claim(tmp_path))
    assert v.verdict == 'inconclusive'
    assert v.reason.startswith('2 settled pair(s) (both runs at a plateau); '
                               '3 are needed')
    # A third seed whose treatment run is still climbing: its pair is left
    # out, so two settled pairs remain (diffs +2, +3: mean 2.5, sd 0.707,
    # t(0.975, 1 df) = 12.706, half-width 6.35).
    write_run(tmp_path / 'a' / 'seed=2', [(300, 32.0), (400, 32.0)])
    write_run(tmp_path / 'b' / 'seed=2', [(300, 30.0), (400, 36.0)])
    v = pc.judge(claim(tmp_path))
    assert v.verdict == 'inconclusive'
    assert [s for s, _, _ in v.pairs] == [0, 1]
    assert v.diff_ci == pytest.approx((2.5 - 6.353, 2.5 + 6.353), abs=1e-3)
    assert v.reason == ('2 settled pair(s) (both runs at a plateau); 3 are '
                        'needed; left out: B seed 2 still learning (+6.00 AP '
                        'over iterations 300-400); the 95% interval of the '
                        "paired difference contains 0; the paper's +3.0 lies "
                        'inside the interval')
    page = pc.render_markdown([v], {'cpu': 'x'}, 'cmd')
    assert ('seed 2: 36.0 (run, still learning: +6.00 over its last '
            'interval)') in page
    # ... and what all three pairs would say is on the page too: diffs
    # +2, +3, +4, the interval of test_t_interval_by_hand.
    assert ('- All 3 pairs (seeds 0, 1, 2), the unsettled included: paired '
            'difference +3.0 [+0.5, +5.5].') in page
    # The means of the table are over the settled pairs only.
    assert '| 32.5 ± 3.5 (n=2) | 35.0 ± 4.2 (n=2) |' in page
    # A fourth seed at a plateau makes three settled pairs (diffs +2, +3,
    # +4 again): a verdict, with the pair left out still named.
    write_run(tmp_path / 'a' / 'seed=3', [(300, 30.0), (400, 30.0)])
    write_run(tmp_path / 'b' / 'seed=3', [(300, 34.0), (400, 34.0)])
    v = pc.judge(claim(tmp_path))
    assert [s for s, _, _ in v.pairs] == [0, 1, 3]
    assert v.verdict == 'reproduced'
    assert v.reason.endswith('left out: B seed 2 still learning (+6.00 AP '
                             'over iterations 300-400)')
    for d in ('a', 'b'):
        shutil.rmtree(tmp_path / d / 'seed=3')
    # At plateau, but the differences straddle zero: diffs +2, +3, -6,
    # mean -1/3, sd 4.93, half-width 4.303 * 4.93 / sqrt(3) = 12.2.
    write_run(tmp_path / 'b' / 'seed=2', [(300, 25.5), (400, 26.0)])
    v = pc.judge(claim(tmp_path))
    assert v.verdict == 'inconclusive'
    assert v.reason == ('the 95% interval of the paired difference contains '
                        "0; the paper's +3.0 lies inside the interval")
    # Tight pairs around 0 rule the paper's effect out without a verdict.
    for s, (a, b) in enumerate([(30.0, 30.2), (35.0, 34.9), (32.0, 32.1)]):
        write_run(tmp_path / 'a' / f'seed={s}', [(300, a), (400, a)])
        write_run(tmp_path / 'b' / f'seed={s}', [(300, b), (400, b)])
    v = pc.judge(claim(tmp_path))
    assert v.verdict == 'inconclusive'
    assert v.reason.endswith("the paper's +3.0 lies outside the interval")


def test_record_fills_the_seeds_not_trained_here(tmp_path):
    arm = pc.Arm('SSD300', 25.1, (str(tmp_path / 'ssd300'),
                                  str(tmp_path / 'ssd300' / 'seed=*')),
                 zoo='ssd300')
    record = {'rows': {'ssd300': {'curve': [
        {'iter': 300, 'coco/bbox_mAP': 0.345},
        {'iter': 400, 'coco/bbox_mAP': 0.351}]}},
        'seeds': {'ssd300': {'seeds': [0, 1, 2], 'ap': [0.351, 0.415, 0.389]}}}
    write_run(tmp_path / 'ssd300' / 'seed=1', [(300, 44.0), (400, 44.5)])
    runs = pc.arm_runs(arm, 'coco/bbox_mAP', record)
    assert [(r.seed, r.source == 'record') for r in runs] == \
        [(0, True), (1, False), (2, True)]
    assert [round(r.value, 1) for r in runs] == [35.1, 44.5, 38.9]
    # The row's own seed has its curve; the others only an AP.
    assert [r.plateau for r in runs] == [True, True, None]


def test_tool_writes_the_page_and_rejects_an_unknown_claim(tmp_path, capsys):
    import runpy
    main = runpy.run_path('tools/analysis/paper_claims.py')['main']
    out = tmp_path / 'new' / 'claims.md'   # a folder a fresh clone lacks
    main(['--out', str(out), '--record', ''])
    page = out.read_text()
    assert page.startswith('# Paper claims')
    for c in pc.CLAIMS:
        assert f'## {c.title}' in page
    with pytest.raises(SystemExit):
        main(['--claims', 'nope', '--out', str(out)])
    assert capsys.readouterr().err.strip().splitlines() == [
        'error: unknown claim nope; choose from focal_vs_ce, '
        'focal_gamma2_vs_5, refinedet_vs_ssd, cascade_vs_faster_ap75']


def test_a_fresh_clone_reads_a_sweeps_committed_record(tmp_path):
    """No run dirs on this machine: the arm's seeds come from the sweep's
    runs.json (tools/sweep.py --doc), with their curves, so the plateau
    rule still applies; a run dir on disk wins over its record."""
    record = tmp_path / 'runs.json'
    entries = []
    for seed, (ce, fl) in enumerate([(30.0, 33.0), (31.0, 34.5),
                                     (29.5, 33.5)]):
        for run_id, ap in ((f'gamma=0_alpha=0.75_seed={seed}', ce),
                           (f'gamma=2_alpha=0.25_seed={seed}', fl)):
            entries.append(dict(run_id=run_id, seed=seed, curve=[
                {'iter': 1800, 'coco/bbox_mAP': (ap - 0.5) / 100},
                {'iter': 2000, 'coco/bbox_mAP': ap / 100}]))
    record.write_text(json.dumps(dict(runs=entries)))
    sweep = tmp_path / 'sweeps'
    c = pc.Claim(
        key='k', title='FL beats CE', source='s', setting='s',
        metric='coco/bbox_mAP',
        baseline=pc.Arm('CE', 31.1, (f'{sweep}/gamma=0_alpha=0.75_seed=*',),
                        sweep_record=str(record)),
        treatment=pc.Arm('FL', 34.0, (f'{sweep}/gamma=2_alpha=0.25_seed=*',),
                         sweep_record=str(record)),
        commands=('python tools/sweep.py X',))
    v = pc.judge(c)
    assert [r.value for r in v.baseline] == [30.0, 31.0, 29.5]
    assert all(r.source == 'record' and r.plateau for r in v.baseline)
    assert v.diff_mean == pytest.approx((3.0 + 3.5 + 4.0) / 3)
    assert v.verdict == 'reproduced'
    # A local run of seed 1 replaces the recorded one.
    write_run(sweep / 'gamma=0_alpha=0.75_seed=1', [(1800, 33.0),
                                                    (2000, 33.2)])
    v = pc.judge(c)
    assert [r.value for r in v.baseline] == [30.0, 33.2, 29.5]
    assert v.baseline[1].source != 'record'


def test_train_runs_each_command_and_stops_at_the_first_failure(
        tmp_path, monkeypatch, capsys):
    """--train runs the claim's own commands with this interpreter, in
    order; a failing one ends the tool with one line naming it."""
    import runpy
    import sys
    log = tmp_path / 'log.txt'
    step = ("python -c \"import sys; open(sys.argv[1], 'a').write("
            "sys.executable + ' ' + sys.argv[2] + '\\n')\" {} {}")
    ok = pc.Claim(key='ok', title='B beats A', source='s', setting='s',
                  metric='coco/bbox_mAP', baseline=pc.Arm('A', 1.0, ()),
                  treatment=pc.Arm('B', 2.0, ()),
                  commands=(step.format(log, 'first'),
                            step.format(log, 'second')))
    bad = replace(ok, key='bad', commands=(
        'python -c "raise SystemExit(5)"', step.format(log, 'never')))
    monkeypatch.setattr(pc, 'CLAIMS', (ok, bad))
    main = runpy.run_path('tools/analysis/paper_claims.py')['main']
    out = tmp_path / 'claims.md'
    main(['--claims', 'ok', '--train', '--out', str(out), '--record', ''])
    assert log.read_text().splitlines() == [f'{sys.executable} first',
                                            f'{sys.executable} second']
    assert '## B beats A' in out.read_text()
    with pytest.raises(SystemExit):
        main(['--train', '--out', str(out), '--record', ''])
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ['error: bad: `python -c "raise SystemExit(5)"` exited '
                   'with 5; its output above says why, and rerunning '
                   'resumes it']
    # 'ok' ran again (its commands resume, so that is cheap); 'never' not
    assert log.read_text().splitlines()[-1] == f'{sys.executable} second'


def test_record_tails_judge_any_metric_and_a_row_in_training_is_no_result():
    """The zoo's record keeps each finished seed's last two validations,
    so a fresh clone judges an AP75 claim over all its seeds, plateau
    included; the row of a run still training is not a result."""
    arm = pc.Arm('Cascade', 44.6, ('/nonexistent/cascade',),
                 zoo='cascade')
    tails = [[{'iter': 2200, 'coco/bbox_mAP_75': 0.400},
              {'iter': 2400, 'coco/bbox_mAP_75': 0.405}],
             [{'iter': 2200, 'coco/bbox_mAP_75': 0.380},
              {'iter': 2400, 'coco/bbox_mAP_75': 0.395}]]
    record = {'rows': {'cascade': {'max_iters': 2400, 'curve': [
        {'iter': 2400, 'coco/bbox_mAP_75': 0.405}]}},
        'seeds': {'cascade': {'seeds': [0, 2], 'ap': [0.3, 0.3],
                              'tails': tails}}}
    runs = pc.recorded_runs(arm, 'coco/bbox_mAP_75', record)
    assert [(r.seed, round(r.value, 1), r.plateau) for r in runs] == \
        [(0, 40.5, True), (2, 39.5, False)]
    assert runs[1].last_gain == pytest.approx(1.5)
    # An older record without tails: only the row's own curve, and not
    # while that run is short of its schedule.
    record = {'rows': {'cascade': {'max_iters': 2400, 'curve': [
        {'iter': 600, 'coco/bbox_mAP_75': 0.10},
        {'iter': 800, 'coco/bbox_mAP_75': 0.15}]}}}
    assert pc.recorded_runs(arm, 'coco/bbox_mAP_75', record) == []
    record['rows']['cascade']['max_iters'] = 800
    assert [r.value for r in pc.recorded_runs(
        arm, 'coco/bbox_mAP_75', record)] == [15.0]


def test_plateau_is_judged_on_box_ap_whatever_the_claims_metric(tmp_path):
    """An AP75 claim: the value is AP75 at the last validation, the
    plateau and the gain reported are the box AP's."""
    d = tmp_path / 'a' / 'seed=0'
    d.mkdir(parents=True)
    with open(d / 'val_metrics.jsonl', 'w') as f:
        for it, ap, ap75 in ((2200, 0.596, 0.694), (2400, 0.600, 0.706)):
            f.write(json.dumps({'iter': it, 'coco/bbox_mAP': ap,
                                'coco/bbox_mAP_75': ap75}) + '\n')
    (d / 'DONE').write_text('{}')
    arm = pc.Arm('A', 1.0, (str(tmp_path / 'a' / 'seed=*'),))
    run, = pc.local_runs(arm, 'coco/bbox_mAP_75')
    assert run.value == pytest.approx(70.6)
    assert run.plateau is True          # AP75 moved 1.2, the box AP 0.4
    assert run.last_gain == pytest.approx(0.4)
