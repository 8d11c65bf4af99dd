"""tools/analysis/anchor_coverage.py on a real (tiny) embedded dataset,
through the config's own test pipeline: every val object is counted once,
and the --also variant appears as its own rows."""
import json
import os.path as osp

from conftest import REPO
from test_cli_errors import assert_one_line_error


def test_page_counts_every_val_object(tmp_path, tiny_shapes, run_tool):
    ann = osp.join(tiny_shapes, 'annotations', 'instances_val.json')
    cfg = tmp_path / 'refinedet_tiny.py'
    cfg.write_text(f"_base_ = '{REPO}/configs/refinedet320.py'\n"
                   "test_dataloader = dict(dataset=dict("
                   f"data_root='{tiny_shapes}/'))\n")
    out = tmp_path / 'coverage.md'
    proc = run_tool(['tools/analysis/anchor_coverage.py', str(cfg),
                     '--also',
                     'model.bbox_head.anchor_generator.octave_base_scale=3',
                     '--out', str(out)])
    assert proc.returncode == 0, proc.stderr[-2000:]
    n = len(json.load(open(ann))['annotations'])
    page = out.read_text().splitlines()
    alls = [ln for ln in page if '| all |' in ln]
    assert len(alls) == 2
    assert alls[0].startswith('| refinedet_tiny | bbox_head | 6375 | 0.5 | '
                              f'all | {n} |')
    assert alls[1].startswith('| refinedet_tiny octave_base_scale=3 |')


def test_anchor_free_config_is_one_line(tmp_path, run_tool):
    cfg = tmp_path / 'no_anchors.py'
    cfg.write_text(f"_base_ = '{REPO}/configs/ssd300.py'\n"
                   "model = dict(bbox_head=dict(_delete_=True, "
                   "type='FCOSHead', num_classes=6, in_channels=512))\n")
    proc = run_tool(['tools/analysis/anchor_coverage.py', str(cfg),
                     '--out', str(tmp_path / 'x.md')])
    assert_one_line_error(proc, 'not anchor-based')
