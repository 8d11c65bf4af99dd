"""A messy LabelImg folder -> COCO, checked against hand-computed values
(the expectations are derived in tests/messy_folders.py)."""
import json
import os.path as osp

import pytest
from PIL import Image

from custom_modules.datasets.converters.annotation_formats import read_folder
from custom_modules.datasets.converters.folder_to_coco import (
    clip_box, folder_to_coco, merge_class_names, split_records)
from custom_modules.errors import UserError

from messy_folders import labelimg_folder


@pytest.fixture
def converted(tmp_path):
    src = labelimg_folder(str(tmp_path / 'src'))
    fmt, records = read_folder(src)
    out = str(tmp_path / 'out')
    result = folder_to_coco(records, src, out, val_fraction=0.34, seed=0)
    cocos = {}
    for split, path in result['ann_files'].items():
        with open(path, encoding='utf-8') as f:
            cocos[split] = json.load(f)
    return fmt, result, cocos, out


def _by_name(cocos):
    images = {}
    for coco in cocos.values():
        anns = {}
        for a in coco['annotations']:
            anns.setdefault(a['image_id'], []).append(a)
        for img in coco['images']:
            images[img['file_name']] = (img, anns.get(img['id'], []),
                                        coco['categories'])
    return images


def test_counts_and_classes(converted):
    fmt, result, cocos, _ = converted
    assert fmt == 'voc'
    assert result['classes'] == ['cat', 'dog']
    assert result['stats'] == {
        'class spellings merged (case or spacing)': 2,
        'boxes over the border (clipped)': 1,
        'degenerate boxes (dropped)': 1,
        'images without objects (kept)': 1,
        'EXIF-rotated images (written in the frame of their boxes)': 2,
        'L images written as RGB': 1,
        'RGBA images written as RGB': 1,
        'annotation size 0 or wrong (image size used)': 1,
        'file names with spaces or non-ASCII (kept)': 2,
    }
    # 6 images, round(6 * 0.34) = 2 of them in val; 7 boxes kept of 8.
    assert {s: c['images'] for s, c in result['counts'].items()} == \
        {'train': 4, 'val': 2}
    assert sum(c['boxes'] for c in result['counts'].values()) == 7
    assert not result['has_masks']
    for coco in cocos.values():
        assert coco['categories'] == [dict(id=1, name='cat'),
                                      dict(id=2, name='dog')]


def test_boxes_sizes_and_frames(converted):
    _, _, cocos, out = converted
    images = _by_name(cocos)
    img, anns, _ = images['cat 1.jpg']
    # VOC 11,11,30,30 -> [10, 10, 20, 20]; 41,5,80,40 clipped at x = 64.
    assert sorted(a['bbox'] for a in anns) == [[10, 10, 20, 20],
                                               [40, 4, 24, 36]]
    assert images['gray_é.png'][0]['width'] == 50  # XML said 0
    assert len(images['gray_é.png'][1]) == 1       # degenerate dropped
    assert images['wrong.jpg'][0]['width'] == 32   # XML said 100
    assert images['rgba.png'][1] == []
    # rot.jpg: raw 60x40, EXIF 6, boxes drawn on the rotated 40x60 view.
    rot, _, _ = images['rot.jpg']
    raw, _, _ = images['raw.jpg']
    assert (rot['width'], rot['height']) == (40, 60)
    assert (raw['width'], raw['height']) == (60, 40)
    with Image.open(osp.join(out, 'images', 'rot.jpg')) as im:
        assert im.getexif().get(0x0112, 1) == 1
        # Orientation 6 turns the raw image 90 degrees clockwise: the raw
        # top-left mark ends at the top right.
        r, g, b = im.getpixel((38, 1))
        assert r > 200 and g < 60
    with Image.open(osp.join(out, 'images', 'raw.jpg')) as im:
        assert im.getexif().get(0x0112, 1) == 1 and im.size == (60, 40)
        assert im.getpixel((1, 1))[0] > 200
    for name in ('gray_é.png', 'rgba.png'):
        with Image.open(osp.join(out, 'images', name)) as im:
            assert im.mode == 'RGB'


def test_clip_and_degenerate():
    assert clip_box([-5, 2, 10, 50], 20, 30) == [0, 2, 10, 30]
    assert clip_box([3, 3, 3.5, 10], 20, 30) is None
    assert clip_box([25, 3, 30, 10], 20, 30) is None  # wholly outside


def test_class_merging_keeps_most_frequent_spelling():
    recs = [dict(objects=[dict(name=n) for n in
                          ('Traffic  light', 'traffic light', 'TRAFFIC LIGHT',
                           'traffic light', 'car')])]
    classes, index, merged = merge_class_names(recs)
    assert classes == ['car', 'traffic light'] and merged == 2
    assert index == {'car': 0, 'traffic light': 1}


def test_seeded_split_is_reproducible_and_keeps_both_sides():
    def recs(n):
        return [dict(split=None, i=i) for i in range(n)]
    a, b = recs(10), recs(10)
    split_records(a, 0.2, seed=3)
    split_records(b, 0.2, seed=3)
    assert [r['split'] for r in a] == [r['split'] for r in b]
    assert sum(r['split'] == 'val' for r in a) == 2
    two = recs(2)
    split_records(two, 0.9, seed=0)
    assert sorted(r['split'] for r in two) == ['train', 'val']
    with pytest.raises(UserError, match='at least one image to train on'):
        split_records(recs(1), 0.2, seed=0)
    with pytest.raises(UserError, match='between 0 and 1'):
        split_records(recs(5), 1.5, seed=0)
