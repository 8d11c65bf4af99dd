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


def test_bad_seed_list_is_one_line(tmp_path, run_tool):
    proc = run_tool(['tools/benchmark_zoo.py', '--seeds', '0,one',
                     '--root', str(tmp_path), '--out',
                     str(tmp_path / 'p.md'), '--record',
                     str(tmp_path / 'r.json')])
    assert_one_line_error(proc, "--seeds '0,one' is not a seed list",
                          "'0,1,2'")
    assert not (tmp_path / 'p.md').exists()
