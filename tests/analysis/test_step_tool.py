"""The walk-through tools' shared command line (custom_modules/analysis/
step_tool.py); its run() is exercised end to end, with real models, by
tests/tools/test_cascade_stages_tool.py and test_refinedet_cascade_tool.py."""
import argparse

from custom_modules.analysis import step_tool


def test_arguments_and_their_defaults_follow_the_page_name():
    p = argparse.ArgumentParser()
    step_tool.add_arguments(p, 'cascade_stages')
    args = p.parse_args(['configs/cascade_rcnn_r50_fpn.py'])
    assert args.checkpoint is None and args.max_images is None
    assert args.image_index == 0 and args.cfg_options is None
    assert args.out == 'docs/cascade_stages.md'
    assert args.image_out == 'docs/images/cascade_stages.png'
    args = p.parse_args(['c.py', 'w.pth', '--max-images', '3',
                         '--image-index', '2', '--cfg-options',
                         'model.test_cfg.rcnn.max_per_img=5'])
    assert (args.checkpoint, args.max_images, args.image_index) == \
        ('w.pth', 3, 2)
    assert args.cfg_options == {'model.test_cfg.rcnn.max_per_img': 5}
