"""Each labelling tool's layout is detected and read into the same
records; hand-computed boxes per format."""
import json
import os

import pytest

from custom_modules.datasets.converters.annotation_formats import (
    detect_format, read_folder)
from custom_modules.datasets.converters.folder_to_coco import folder_to_coco
from custom_modules.errors import UserError

from messy_folders import (coco_folder, labelimg_folder, labelme_folder,
                            save_image, via_folder, voc_xml, yolo_folder)


def _convert(tmp_path, build):
    src = build(str(tmp_path / 'src'))
    fmt, records = read_folder(src)
    result = folder_to_coco(records, src, str(tmp_path / 'out'), 0.34, 0)
    anns = {}
    for split, path in result['ann_files'].items():
        with open(path) as f:
            coco = json.load(f)
        names = {i['id']: i['file_name'] for i in coco['images']}
        cats = {c['id']: c['name'] for c in coco['categories']}
        for a in coco['annotations']:
            anns.setdefault(names[a['image_id']], []).append(
                (cats[a['category_id']], a['bbox'], a.get('segmentation')))
    return fmt, result, anns


def test_coco(tmp_path):
    fmt, result, anns = _convert(tmp_path, coco_folder)
    assert fmt == 'coco' and result['classes'] == ['bolt', 'nut']
    assert anns['0.jpg'] == [('bolt', [2, 3, 12 - 2, 11 - 3],
                              [[2, 3, 12, 3, 12, 11, 2, 11]])]
    assert result['has_masks']


def test_labelme_polygon_and_rectangle(tmp_path):
    fmt, result, anns = _convert(tmp_path, labelme_folder)
    assert fmt == 'labelme'
    # 'leaf' and 'Leaf' are one class; the rectangle's corners come in
    # either order.
    assert result['classes'] == ['leaf', 'stem']
    assert anns['p0.png'][0][:2] == ('leaf', [2, 2, 18, 10])
    assert anns['p1.png'] == [('leaf', [5, 4, 25, 16], None)]
    assert not result['has_masks']  # the rectangle has no polygon


def test_via_rect_polygon_circle(tmp_path):
    fmt, result, anns = _convert(tmp_path, via_folder)
    assert fmt == 'via' and result['classes'] == ['apple', 'pear']
    assert anns['f0.jpg'] == [('apple', [3, 4, 10, 6], None)]
    assert anns['f1.jpg'][0][:2] == ('pear', [1, 2, 10, 10])
    assert anns['f2.jpg'] == [('apple', [15, 10, 10, 10], None)]


def test_yolo_keeps_its_split(tmp_path):
    fmt, result, anns = _convert(tmp_path, yolo_folder)
    assert fmt == 'yolo' and result['classes'] == ['bike', 'car']
    assert result['counts']['train']['images'] == 2
    assert result['counts']['val']['images'] == 1
    # 0.5 0.5 0.5 0.5 on 40x20 -> [10, 5, 20, 10]; 0.25 0.25 0.1 0.1 ->
    # [8, 4, 4, 2].
    got = sorted(anns['val/val0.jpg'])
    assert got[0][0] == 'bike' and got[0][1] == pytest.approx([8, 4, 4, 2])
    assert got[1][0] == 'car' and got[1][1] == pytest.approx([10, 5, 20, 10])


def test_vocdevkit_split_lists(tmp_path):
    root = tmp_path / 'VOCdevkit' / 'VOC2007'
    for sub in ('Annotations', 'JPEGImages', 'ImageSets/Main'):
        os.makedirs(root / sub)
    for i, split in enumerate(['trainval', 'trainval', 'test']):
        save_image(str(root / 'JPEGImages' / f'{i:06d}.jpg'), (30, 30))
        (root / 'Annotations' / f'{i:06d}.xml').write_text(voc_xml(
            f'{i:06d}.jpg', (30, 30), [('person', 2, 2, 20, 20)]))
        with open(root / 'ImageSets' / 'Main' / f'{split}.txt', 'a') as f:
            f.write(f'{i:06d}\n')
    src = str(tmp_path / 'VOCdevkit')
    fmt, records = read_folder(src)
    result = folder_to_coco(records, src, str(tmp_path / 'out'), 0.5, 0)
    assert fmt == 'voc'
    assert result['counts'] == {'train': dict(images=2, boxes=2),
                                'val': dict(images=1, boxes=1)}


def test_detection_errors(tmp_path):
    empty = tmp_path / 'empty'
    empty.mkdir()
    with pytest.raises(UserError, match='no annotations found under'):
        detect_format(str(empty))
    both = tmp_path / 'both'
    labelimg_folder(str(both / 'a'))
    coco_folder(str(both / 'b'))
    with pytest.raises(UserError, match=r'several formats \(coco, voc\); '
                       r'choose one with --format coco\|voc'):
        detect_format(str(both))
    with pytest.raises(UserError, match='is not a directory'):
        read_folder(str(tmp_path / 'nope'))


def test_missing_and_unreadable_images_are_counted(tmp_path):
    src = labelimg_folder(str(tmp_path / 'src'))
    os.remove(os.path.join(src, 'images', 'wrong.jpg'))
    with open(os.path.join(src, 'images', 'rgba.png'), 'wb') as f:
        f.write(b'not a png')
    fmt, records = read_folder(src)
    result = folder_to_coco(records, src, str(tmp_path / 'out'), 0.34, 0)
    assert result['stats']['annotation files whose image is missing'] == 1
    assert result['stats']['unreadable images (dropped)'] == 1
    assert sum(c['images'] for c in result['counts'].values()) == 4
