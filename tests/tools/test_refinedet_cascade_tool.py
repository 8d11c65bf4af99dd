"""tools/analysis/refinedet_cascade.py end to end on a tiny embedded
dataset: the page counts every val object once and embeds a picture that is
a real PNG; a config without a RefineDetHead is refused in one line."""
import pytest
import json
import os.path as osp

from conftest import REPO
from test_cli_errors import assert_one_line_error


@pytest.mark.slow  # an end-to-end run: make test, not test-fast
def test_page_and_picture(tmp_path, tiny_shapes, run_tool):
    ann = osp.join(tiny_shapes, 'annotations', 'instances_val.json')
    cfg = tmp_path / 'refinedet_tiny.py'
    cfg.write_text(f"_base_ = '{REPO}/configs/refinedet320.py'\n"
                   "val_dataloader = dict(num_workers=0, "
                   "persistent_workers=False, dataset=dict("
                   f"data_root='{tiny_shapes}/'))\n")
    out, png = tmp_path / 'cascade.md', tmp_path / 'img' / 'cascade.png'
    proc = run_tool(['tools/analysis/refinedet_cascade.py', str(cfg),
                     '--out', str(out), '--image-out', str(png)])
    assert proc.returncode == 0, proc.stderr[-2000:]
    page = out.read_text()
    assert 'refinedet_tiny, initial weights' in page
    n = len(json.load(open(ann))['annotations'])
    all_row = next(ln for ln in page.splitlines() if ln.startswith('| all |'))
    assert all_row.startswith(f'| all | {n} |')
    assert '![the cascade on one val image](img/cascade.png)' in page
    from PIL import Image
    with Image.open(png) as im:
        assert im.format == 'PNG' and im.size[0] > 3 * im.size[1]
    assert 'after the ODM: mean IoU' in proc.stdout


def test_ssd_config_is_one_line(tmp_path, run_tool):
    proc = run_tool(['tools/analysis/refinedet_cascade.py',
                     'configs/ssd300.py', '--out', str(tmp_path / 'x.md')])
    assert_one_line_error(proc, 'head is PredictableSSDHead')
