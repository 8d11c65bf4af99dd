import filecmp
import json
import os.path as osp

import numpy as np
import pytest
from pycocotools import mask as mask_utils

from custom_modules.datasets.shapes_generator import (CLASSES, ShapesSpec,
                                                      generate_split,
                                                      render_image)


def test_same_seed_same_files(tmp_path):
    spec = ShapesSpec(seed=7)
    a = generate_split(str(tmp_path / 'a'), 'val', 5, spec, progress=False)
    b = generate_split(str(tmp_path / 'b'), 'val', 5, spec, progress=False)
    assert json.load(open(a)) == json.load(open(b))
    for i in range(5):
        name = f'{i:06d}.jpg'
        assert filecmp.cmp(tmp_path / 'a' / 'val' / name,
                           tmp_path / 'b' / 'val' / name, shallow=False)


def test_seed_and_split_change_the_images():
    img0, _ = render_image(ShapesSpec(seed=1), 'train', 0)
    img1, _ = render_image(ShapesSpec(seed=2), 'train', 0)
    img2, _ = render_image(ShapesSpec(seed=1), 'val', 0)
    assert img0.shape != img1.shape or not np.array_equal(img0, img1)
    assert img0.shape != img2.shape or not np.array_equal(img0, img2)


def test_image_can_be_regenerated_alone():
    spec = ShapesSpec()
    img_a, inst_a = render_image(spec, 'train', 41)
    render_image(spec, 'train', 3)  # no hidden state between images
    img_b, inst_b = render_image(spec, 'train', 41)
    assert np.array_equal(img_a, img_b) and inst_a == inst_b


@pytest.mark.parametrize('index', range(6))
def test_annotations_describe_the_visible_pixels(index):
    spec = ShapesSpec()
    img, instances = render_image(spec, 'val', index)
    h, w = img.shape[:2]
    assert spec.min_side <= h <= spec.max_side
    assert spec.min_side <= w <= spec.max_side
    assert spec.objects_per_image[0] - 2 <= len(instances)
    for inst in instances:
        x, y, bw, bh = inst['bbox']
        assert 0 <= x and 0 <= y and x + bw <= w and y + bh <= h
        assert 0 <= inst['label'] < len(CLASSES)
        rle = mask_utils.merge(mask_utils.frPyObjects(
            inst['segmentation'], h, w))
        m = mask_utils.decode(rle)
        # Box and area are exactly those of the polygons' pixels.
        ys, xs = np.nonzero(m)
        assert (x, y) == (xs.min(), ys.min())
        assert (x + bw, y + bh) == (xs.max() + 1, ys.max() + 1)
        assert inst['area'] == m.sum()


def test_dataset_spans_sizes_and_classes(tmp_path):
    ann = generate_split(str(tmp_path), 'val', 40, ShapesSpec(),
                         progress=False)
    coco = json.load(open(ann))
    areas = np.array([a['area'] for a in coco['annotations']])
    sides = np.array([max(a['bbox'][2:]) for a in coco['annotations']])
    assert sides.min() <= 12 and sides.max() >= 100
    assert (areas < 32 ** 2).any() and (areas >= 96 ** 2).any()
    assert {a['category_id'] for a in coco['annotations']} == \
        set(range(1, len(CLASSES) + 1))
    assert len(coco['images']) == 40
    assert osp.isfile(tmp_path / 'val' / coco['images'][0]['file_name'])


def test_objects_keep_their_contrast_floor():
    # Every object's fill differs from the pixels around it by at least the
    # floor (minus what blur and sensor noise take away at the rim).
    spec = ShapesSpec()
    for index in range(4):
        img, instances = render_image(spec, 'val', index)
        h, w = img.shape[:2]
        for inst in instances:
            m = mask_utils.decode(mask_utils.merge(mask_utils.frPyObjects(
                inst['segmentation'], h, w))).astype(bool)
            if m.sum() < 200:
                continue
            inside = img[m].astype(float).mean(0)
            x, y, bw, bh = (int(v) for v in inst['bbox'])
            ring = np.zeros_like(m)
            ring[max(y - 3, 0):y + bh + 3, max(x - 3, 0):x + bw + 3] = True
            ring &= ~m
            # Neighbours may also be objects: only require "clearly not the
            # same as its surroundings", which a floor of 45 guarantees.
            assert np.abs(inside - img[ring].astype(float).mean(0)).max() > 8


def test_stale_dataset_is_regenerated(tmp_path, capsys):
    from custom_modules.datasets.shapes_generator import (
        annotation_path, ensure_shapes_dataset, is_current)
    spec = ShapesSpec(splits={'val': 2})
    ensure_shapes_dataset(str(tmp_path), spec, progress=False)
    ann = annotation_path(str(tmp_path), 'val')
    assert is_current(ann, spec)
    # A different spec (or generator version) no longer matches...
    assert not is_current(ann, ShapesSpec(seed=spec.seed + 1))
    # ...and a file from an older generator is rewritten, not trusted.
    coco = json.load(open(ann))
    coco['info']['fingerprint'] = 'written by generator v1'
    json.dump(coco, open(ann, 'w'))
    assert not is_current(ann, spec)
    ensure_shapes_dataset(str(tmp_path), spec, progress=True)
    assert 'another version of the generator' in capsys.readouterr().out
    assert is_current(ann, spec)
    assert json.load(open(ann))['images'] == coco['images']


def test_split_size_is_not_part_of_the_fingerprint():
    assert ShapesSpec(splits={'val': 4}).fingerprint() == \
        ShapesSpec().fingerprint()


def test_class_colours_lean_on_the_class_hue():
    import cv2
    from custom_modules.datasets.shapes_generator import (CLASS_HUES,
                                                          _object_colour)
    rng = np.random.default_rng(0)
    for label, hue in enumerate(CLASS_HUES):
        bgr = np.stack([_object_colour(label, True, rng) for _ in range(50)])
        hsv = cv2.cvtColor(bgr[None].astype(np.float32) / 255,
                           cv2.COLOR_BGR2HSV)[0]
        got = hsv[:, 0] / 2  # degrees -> OpenCV's 0-180 hue
        # circular distance to the class hue, in OpenCV hue units
        dist = np.abs((got - hue + 90) % 180 - 90)
        assert dist.max() < 6 * 4, (label, dist.max())
        assert (bgr >= 0).all() and (bgr <= 255.001).all()
    # Objects that do not follow their class may take any hue.
    free = np.stack([_object_colour(0, False, rng) for _ in range(200)])
    hues = cv2.cvtColor(free[None].astype(np.float32) / 255,
                        cv2.COLOR_BGR2HSV)[0][:, 0] / 2
    assert np.histogram(hues, bins=6, range=(0, 180))[0].min() > 10
