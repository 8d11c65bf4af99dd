"""tools/analysis/cascade_stages.py end to end on a tiny embedded dataset:
the page has one row per step in each table and embeds a real PNG; a model without a cascade RoI
head is refused in one line."""
import pytest
from conftest import REPO
from test_cli_errors import assert_one_line_error


@pytest.mark.slow  # an end-to-end run: make test, not test-fast
def test_page_has_a_row_per_step(tmp_path, tiny_shapes, run_tool):
    cfg = tmp_path / 'cascade_tiny.py'
    cfg.write_text(f"_base_ = '{REPO}/configs/cascade_rcnn_r50_fpn.py'\n"
                   "val_dataloader = dict(num_workers=0, "
                   "persistent_workers=False, dataset=dict("
                   f"data_root='{tiny_shapes}/'))\n")
    out, png = tmp_path / 'stages.md', tmp_path / 'stages.png'
    proc = run_tool(['tools/analysis/cascade_stages.py', str(cfg),
                     '--max-images', '2', '--out', str(out),
                     '--image-out', str(png)])
    assert proc.returncode == 0, proc.stderr[-2000:]
    page = out.read_text()
    assert 'cascade_tiny, initial weights' in page
    assert 'on 2 val images' in page
    assert page.count('| after stage 3 |') >= 2
    assert 'after stage 3: ' in proc.stdout
    assert page.rstrip().endswith('(stages.png)')
    from PIL import Image
    with Image.open(png) as im:
        assert im.format == 'PNG' and im.size[0] > 3 * im.size[1]


def test_faster_rcnn_is_one_line(tmp_path, run_tool):
    proc = run_tool(['tools/analysis/cascade_stages.py',
                     'configs/faster_rcnn_r50_fpn.py',
                     '--out', str(tmp_path / 'x.md')])
    assert_one_line_error(proc, 'Give a Cascade R-CNN config')
