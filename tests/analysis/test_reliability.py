"""The reliability tour: a fault run through the real CLI gives an Outcome
that says what the user saw, and the page renders one row per fault."""
import pytest

from custom_modules.analysis import reliability
from conftest import REPO


@pytest.mark.slow  # an end-to-end run: make test, not test-fast
def test_two_faults_through_the_cli_and_the_page(tmp_path):
    bench = reliability.Bench(str(tmp_path), REPO)
    outcomes = [reliability.option_type(bench),
                reliability.missing_base(bench)]
    assert [o.ok for o in outcomes] == [True, True]
    assert outcomes[0].status == 2
    assert outcomes[0].seen.startswith(
        "error: --cfg-options train_cfg.max_iters='abc'")
    assert str(tmp_path) not in outcomes[1].seen  # scratch paths shortened
    page = reliability.render(outcomes, {'python': '3.11'}, 'CMD')
    rows = [ln for ln in page.splitlines() if ln.startswith('| ')]
    assert rows[0].startswith('| fault | command | exit |')
    assert len(rows) == 1 + 2 + 2  # header, two faults, machine table
    assert '`tools/train.py configs/retinanet_r50_fpn.py' in rows[1]
    assert 'Written by `CMD`' in page
