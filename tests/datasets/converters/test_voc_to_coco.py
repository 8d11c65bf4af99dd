"""VOC XML -> COCO json on a two-image VOCdevkit written by the test."""
import importlib.util
import json
import os.path as osp

import numpy as np
import pytest
from PIL import Image

from custom_modules.datasets.converters.voc_to_coco import (
    VOC_CLASSES, convert_voc_to_coco, save_coco_json, voc_box_to_coco)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))

OBJECT_XML = """
  <object>
    <name>{name}</name><pose>Unspecified</pose><truncated>0</truncated>
    <difficult>{difficult}</difficult>
    <bndbox><xmin>{x1}</xmin><ymin>{y1}</ymin>
            <xmax>{x2}</xmax><ymax>{y2}</ymax></bndbox>
  </object>"""


def write_voc_image(root, year, voc_id, img_size, objects, size_in_xml=True):
    """Write JPEGImages/<id>.jpg and Annotations/<id>.xml for one image;
    ``objects`` are (name, difficult, xmin, ymin, xmax, ymax) in VOC's
    1-based inclusive pixel coordinates."""
    w, h = img_size
    year_dir = root / f'VOC{year}'
    (year_dir / 'JPEGImages').mkdir(parents=True, exist_ok=True)
    (year_dir / 'Annotations').mkdir(parents=True, exist_ok=True)
    Image.new('RGB', (w, h), (90, 120, 150)).save(
        year_dir / 'JPEGImages' / f'{voc_id}.jpg')
    size = (f'<size><width>{w}</width><height>{h}</height>'
            '<depth>3</depth></size>' if size_in_xml else '')
    body = ''.join(
        OBJECT_XML.format(name=n, difficult=d, x1=x1, y1=y1, x2=x2, y2=y2)
        for n, d, x1, y1, x2, y2 in objects)
    (year_dir / 'Annotations' / f'{voc_id}.xml').write_text(
        f'<annotation><folder>VOC{year}</folder>'
        f'<filename>{voc_id}.jpg</filename>{size}{body}\n</annotation>')


def write_split(root, year, name, ids):
    main = root / f'VOC{year}' / 'ImageSets' / 'Main'
    main.mkdir(parents=True, exist_ok=True)
    (main / f'{name}.txt').write_text(''.join(f'{i}\n' for i in ids))


@pytest.fixture
def devkit(tmp_path):
    """VOC2007 with two trainval images: 000005 (a dog, a difficult person
    and an object of a class outside VOC) and 000007 (a car; its XML has no
    <size>, so the size must come from the image)."""
    root = tmp_path / 'VOCdevkit'
    write_voc_image(root, 2007, '000005', (500, 375), [
        ('dog', 0, 1, 1, 100, 50),
        ('person', 1, 200, 100, 260, 300),
        ('unicorn', 0, 10, 10, 20, 20),
    ])
    write_voc_image(root, 2007, '000007', (320, 240),
                    [('car', 0, 41, 31, 140, 230)], size_in_xml=False)
    write_split(root, 2007, 'trainval', ['000005', '000007'])
    return root


def test_box_convention_keeps_the_inclusive_pixel_extent():
    # Columns 1..100 and rows 1..50 of the image: 100 x 50 pixels starting
    # at the image's top-left corner.
    assert voc_box_to_coco(1, 1, 100, 50) == [0, 0, 100, 50]
    # A single pixel is a 1x1 box, not an empty one.
    assert voc_box_to_coco(7, 9, 7, 9) == [6, 8, 1, 1]


def test_converted_json_loads_in_pycocotools_with_the_right_boxes(
        devkit, tmp_path):
    from pycocotools.coco import COCO

    coco_dict = convert_voc_to_coco(str(devkit), ['VOC2007/trainval'])
    assert coco_dict['skipped'] == {'unicorn': 1}
    out = tmp_path / 'voc07_trainval.json'
    save_coco_json(coco_dict, str(out))
    assert 'skipped' not in json.loads(out.read_text())

    coco = COCO(str(out))
    assert [c['name'] for c in coco.loadCats(coco.getCatIds())] == list(
        VOC_CLASSES)
    assert coco.getCatIds() == list(range(1, 21))

    images = {img['file_name']: img for img in coco.loadImgs(coco.getImgIds())}
    assert set(images) == {'VOC2007/JPEGImages/000005.jpg',
                           'VOC2007/JPEGImages/000007.jpg'}
    for name in images:
        # file_name is relative to the devkit root.
        assert (devkit / name).is_file()
    assert (images['VOC2007/JPEGImages/000005.jpg']['width'],
            images['VOC2007/JPEGImages/000005.jpg']['height']) == (500, 375)
    # No <size> in the XML: read from the JPEG header.
    assert (images['VOC2007/JPEGImages/000007.jpg']['width'],
            images['VOC2007/JPEGImages/000007.jpg']['height']) == (320, 240)

    def boxes(file_name):
        anns = coco.loadAnns(coco.getAnnIds(imgIds=images[file_name]['id']))
        return sorted(
            (coco.cats[a['category_id']]['name'], a['bbox'], a['area'],
             a['iscrowd']) for a in anns)

    assert boxes('VOC2007/JPEGImages/000005.jpg') == [
        ('dog', [0, 0, 100, 50], 5000, 0),
        # Difficult: a crowd region, ignored by COCOeval.
        ('person', [199, 99, 61, 201], 61 * 201, 1),
    ]
    assert boxes('VOC2007/JPEGImages/000007.jpg') == [
        ('car', [40, 30, 100, 200], 20000, 0)
    ]


def test_perfect_detections_score_ap_1_and_difficult_ones_are_ignored(
        devkit, tmp_path):
    """The json works end to end in COCOeval: detections equal to the
    non-difficult boxes give AP 1.0, and an extra detection on the difficult
    person costs nothing (VOC's rule for difficult objects)."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    out = tmp_path / 'gt.json'
    save_coco_json(convert_voc_to_coco(str(devkit), ['VOC2007/trainval']),
                   str(out))
    gt = COCO(str(out))
    dets = [
        dict(image_id=a['image_id'], category_id=a['category_id'],
             bbox=a['bbox'], score=0.9) for a in gt.dataset['annotations']
    ]
    dt = gt.loadRes(dets)
    ev = COCOeval(gt, dt, 'bbox')
    ev.evaluate()
    ev.accumulate()
    ev.summarize()
    assert np.isclose(ev.stats[0], 1.0)  # AP@[0.5:0.95]


def test_cocodataset_reads_the_json_with_the_voc_classes(devkit, tmp_path):
    """A config can train on the json through mmdet's CocoDataset; the class
    order is mmdet's VOCDataset's, so labels agree with VOC-trained models."""
    from mmdet.datasets import CocoDataset, VOCDataset

    assert tuple(VOCDataset.METAINFO['classes']) == VOC_CLASSES
    out = devkit / 'annotations' / 'voc07_trainval.json'
    out.parent.mkdir()
    save_coco_json(convert_voc_to_coco(str(devkit), ['VOC2007/trainval']),
                   str(out))
    ds = CocoDataset(
        data_root=str(devkit) + '/',
        ann_file='annotations/voc07_trainval.json',
        data_prefix=dict(img=''),
        metainfo=dict(classes=VOC_CLASSES),
        pipeline=[],
        lazy_init=False)
    assert len(ds) == 2
    info = {osp.basename(d['img_path']): d for d in ds}
    assert osp.isfile(info['000005.jpg']['img_path'])
    dog, person = info['000005.jpg']['instances']
    # CocoDataset turns [x, y, w, h] back into corners.
    assert dog['bbox'] == [0, 0, 100, 50]
    assert dog['bbox_label'] == VOC_CLASSES.index('dog')
    assert dog['ignore_flag'] == 0
    assert person['ignore_flag'] == 1  # difficult -> ignored in training


def _load_tool():
    path = osp.join(REPO, 'tools', 'dataset_converters', 'voc_to_coco.py')
    spec = importlib.util.spec_from_file_location('voc_to_coco_tool', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_writes_the_splits_whose_years_exist(devkit, tmp_path, capsys):
    write_voc_image(devkit, 2007, '000001', (64, 48),
                    [('cat', 0, 5, 5, 30, 40)])
    write_split(devkit, 2007, 'test', ['000001'])
    _load_tool().main([str(devkit)])

    written = sorted(p.name for p in (devkit / 'annotations').iterdir())
    # No VOC2012 in this devkit: voc12_* and voc0712_* are not written.
    assert written == ['voc07_test.json', 'voc07_trainval.json']
    test_json = json.loads((devkit / 'annotations' / 'voc07_test.json')
                           .read_text())
    assert [a['bbox'] for a in test_json['annotations']] == [[4, 4, 26, 36]]
    assert 'skipped objects of unknown classes' in capsys.readouterr().out


def test_cli_reports_a_missing_split_in_one_line(devkit, capsys):
    with pytest.raises(SystemExit) as exc:
        _load_tool().main([str(devkit), '--splits', 'voc0712_trainval'])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith('error: ') and '\n' not in err
    assert 'voc0712_trainval' in err
