"""tools/analysis/paper_claims.py from the committed record: the page lands
in a folder that does not exist yet, and a wrong claim is one line."""
from test_cli_errors import assert_one_line_error


def test_the_page_lands_in_a_folder_a_fresh_clone_lacks(tmp_path, run_tool):
    out = tmp_path / 'new' / 'claims.md'
    proc = run_tool(['tools/analysis/paper_claims.py', '--claims',
                     'focal_vs_ce', '--out', str(out)])
    assert proc.returncode == 0, proc.stderr[-2000:]
    page = out.read_text()
    # The record holds five settled seeds of each arm, so a verdict exists
    # whatever this machine's run directories add.
    row = next(ln for ln in page.splitlines()
               if ln.startswith('| Focal loss (gamma=2'))
    assert '(n=5)' in row and ('**reproduced**' in row
                               or '**not reproduced**' in row)
    assert f'--out {out}' in page
    assert proc.stdout.strip().endswith(f'wrote {out}')


def test_an_unknown_claim_is_one_line(tmp_path, run_tool):
    out = tmp_path / 'claims.md'
    proc = run_tool(['tools/analysis/paper_claims.py', '--claims', 'focal',
                     '--out', str(out)])
    assert_one_line_error(proc, 'unknown claim focal; choose from '
                          'focal_vs_ce, refinedet_vs_ssd, '
                          'cascade_vs_faster_ap75')
    assert not out.exists()
