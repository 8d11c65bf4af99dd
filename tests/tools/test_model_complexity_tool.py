"""tools/analysis/model_complexity.py: bad input ends in one line."""
from conftest import REPO
from test_cli_errors import assert_one_line_error


def test_coco_config_without_the_data_says_where_it_goes(tmp_path, run_tool):
    cfg = tmp_path / 'ssd300_coco_elsewhere.py'
    cfg.write_text(f"_base_ = '{REPO}/configs/coco/ssd300_coco.py'\n"
                   f"test_dataloader = dict(dataset=dict("
                   f"data_root='{tmp_path}/coco/'))\n")
    proc = run_tool(['tools/analysis/model_complexity.py', str(cfg),
                     '--out', str(tmp_path / 'mc.md')])
    assert_one_line_error(proc, 'dataset directory not found',
                          f'{tmp_path}/coco/', 'test_dataloader')
    assert not (tmp_path / 'mc.md').exists()


def test_missing_config(run_tool):
    proc = run_tool(['tools/analysis/model_complexity.py', 'configs/ssd30.py'])
    assert_one_line_error(proc, 'config file not found: configs/ssd30.py',
                          'configs/ssd300.py')
