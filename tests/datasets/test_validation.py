"""validate_coco counts each problem of a hand-built annotation file, and
tools/validate_dataset.py reports a real, damaged copy of the embedded data."""
import json
import shutil

import pytest

from custom_modules.datasets.validation import validate_coco
from conftest import shapes_overrides


def hand_built():
    img = lambda i, name: dict(id=i, file_name=name, width=100, height=50)
    box = lambda i, img_id, bbox, cat=1, **kw: dict(
        id=i, image_id=img_id, category_id=cat, bbox=bbox, area=1, **kw)
    return dict(
        images=[img(1, 'a.png'), img(2, 'b.png'), img(2, 'c.png'),
                img(3, 'empty.png')],
        categories=[dict(id=1, name='circle')],
        annotations=[
            box(1, 1, [10, 10, 20, 20]),                     # fine
            box(2, 1, [90, 40, 20, 20]),                     # outside
            box(3, 1, [10, 10, 0.5, 20]),                    # degenerate
            box(4, 1, [10, 10, 20, 20], cat=7),              # unknown cat
            box(4, 2, [10, 10, 20, 20]),                     # duplicate id
            box(5, 9, [10, 10, 20, 20]),                     # no image
            box(6, 2, [10, 10, 20, 20], segmentation=[[1, 2, 3, 4]]),
        ])


def test_each_problem_is_counted_once():
    report = validate_coco(hand_built(), 'x.json')
    assert dict(report.counts) == {
        'box_outside_image': 1, 'degenerate_box': 1, 'unknown_category': 1,
        'duplicate_image_id': 1, 'duplicate_annotation': 1,
        'annotation_no_image': 1, 'malformed_polygon': 1,
        'image_without_boxes': 1}
    assert report.examples['box_outside_image'] == ['annotation 2 in a.png']
    assert report.of('error') == {'duplicate_image_id': 1,
                                  'duplicate_annotation': 1}
    assert report.summary().startswith('x.json: 4 images, 7 annotations; ')


def test_images_on_disk_are_found_and_decoded(tmp_path):
    import cv2
    import numpy as np
    cv2.imwrite(str(tmp_path / 'a.png'), np.zeros((50, 100, 3), np.uint8))
    (tmp_path / 'b.png').write_bytes(b'<html>not an image</html>')
    report = validate_coco(hand_built(), 'x.json', str(tmp_path),
                           check_images=True)
    assert report.counts['unreadable_image'] == 1
    assert report.examples['unreadable_image'] == [str(tmp_path / 'b.png')]
    assert report.examples['missing_image'] == [
        str(tmp_path / 'c.png'), str(tmp_path / 'empty.png')]


@pytest.fixture
def damaged_shapes(tiny_shapes, tmp_path):
    root = tmp_path / 'shapes'
    shutil.copytree(tiny_shapes, root)
    ann_path = root / 'annotations' / 'instances_train.json'
    ann = json.load(open(ann_path))
    ann['annotations'][0]['bbox'][2] = 0                   # degenerate
    first = ann['images'][1]['file_name']
    (root / 'train' / first).write_bytes(b'\xff\xd8 truncated')
    json.dump(ann, open(ann_path, 'w'))
    return str(root), str(root / 'train' / first)


def run_tool(root, *extra):
    import runpy
    tool = runpy.run_path('tools/validate_dataset.py')
    opts = shapes_overrides(root)
    argv = ['configs/retinanet_r50_fpn.py', *extra, '--cfg-options',
            *[f'{k}={v}' for k, v in opts.items()
              if k.startswith(('train_dataloader.dataset',
                               'val_dataloader.dataset'))]]
    return tool['main'](argv)


def test_tool_reports_filtered_problems_and_passes(damaged_shapes, capsys):
    root, bad = damaged_shapes
    assert run_tool(root) == 0
    out = capsys.readouterr().out
    assert '  degenerate_box (filtered): 1, e.g. annotation' in out
    assert f'  unreadable_image (filtered): 1, e.g. {bad}' in out
    assert out.rstrip().endswith('OK: training can use this data.')


def test_strict_fails_on_the_same_data(damaged_shapes, capsys):
    root, _ = damaged_shapes
    assert run_tool(root, '--strict') == 1
    assert 'FAILED' in capsys.readouterr().out


def test_tool_checks_num_classes(damaged_shapes, capsys):
    root, _ = damaged_shapes
    tool_status = run_tool(root, '--no-images')
    assert tool_status == 0
    import runpy
    main = runpy.run_path('tools/validate_dataset.py')['main']
    status = main(['configs/retinanet_r50_fpn.py', '--cfg-options',
                   f'train_dataloader.dataset.data_root={root}/',
                   f'val_dataloader.dataset.data_root={root}/',
                   'model.bbox_head.num_classes=3'])
    assert status == 1
    assert 'num_classes is 3 but the training set has 6' in \
        capsys.readouterr().out
