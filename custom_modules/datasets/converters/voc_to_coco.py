"""Pascal VOC XML annotations -> one COCO-format json per split.

Why: the VOC metric (mAP at IoU 0.5) says little about localisation quality;
with the annotations in COCO format the same test set can be scored with
CocoMetric (AP over IoU 0.5:0.95, small/medium/large), and mmdet's
CocoDataset can train on it.

What goes in: a VOCdevkit directory and split names such as
``'VOC2007/trainval'``, each meaning ``VOC2007/ImageSets/Main/trainval.txt``
(one image id per line) and the ``VOC2007/Annotations/<id>.xml`` files.

What comes out: a COCO dict with

* ``images``: ``id`` 1..N in split order, ``file_name`` relative to the
  devkit root (``VOC2007/JPEGImages/000001.jpg``), so a config points
  ``data_root`` at the devkit and sets ``data_prefix=dict(img='')``;
  ``width``/``height`` from the XML, or from the image header when the XML
  has no usable size.
* ``categories``: the 20 VOC classes with ids 1..20, in the order of mmdet's
  ``VOCDataset.METAINFO`` (so label k of a VOC-trained model is category
  k + 1; id 0 is left unused, as in COCO).
* ``annotations``: one per object, box as ``[x, y, w, h]`` (see
  :func:`voc_box_to_coco`), ``area = w * h``, and ``iscrowd = 1`` for
  objects marked ``difficult``: pycocotools then neither rewards nor
  penalises detections of them, which is the VOC rule for difficult objects
  (pycocotools matches such "crowd" boxes by the overlap's share of the
  detection rather than by IoU, a slightly looser test), and mmdet's
  CocoDataset marks them ignored for training, as VOCDataset does.

Objects of classes outside ``classes`` are skipped (as mmdet's VOCDataset
skips them) and counted in the returned ``skipped`` dict.
"""
import json
import os.path as osp
import xml.etree.ElementTree as ET
from collections import Counter
from typing import Dict, List, Optional, Sequence, Tuple

from PIL import Image

from custom_modules.errors import UserError

VOC_CLASSES = ('aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car',
               'cat', 'chair', 'cow', 'diningtable', 'dog', 'horse',
               'motorbike', 'person', 'pottedplant', 'sheep', 'sofa', 'train',
               'tvmonitor')

# The usual outputs for a full VOCdevkit. The names are the ones mmdet's
# COCO-format VOC config expects under VOCdevkit/annotations/.
STANDARD_SPLITS = {
    'voc07_trainval': ('VOC2007/trainval', ),
    'voc07_test': ('VOC2007/test', ),
    'voc12_trainval': ('VOC2012/trainval', ),
    'voc0712_trainval': ('VOC2007/trainval', 'VOC2012/trainval'),
}


def voc_box_to_coco(xmin: float, ymin: float, xmax: float,
                    ymax: float) -> List[float]:
    """VOC corners -> COCO ``[x, y, w, h]``.

    VOC stores the first and last pixel covered by the object, 1-based and
    inclusive: a box over columns 1..10 covers 10 pixels. COCO measures in
    continuous image coordinates, origin at the top-left corner of pixel
    (0, 0), so that pixel column i (1-based) spans [i - 1, i). The box over
    columns xmin..xmax therefore spans [xmin - 1, xmax]:

        x = xmin - 1,  w = xmax - xmin + 1   (same for y, h)

    This keeps the extent (and area) the VOC devkit assigns to the box.
    mmdet's VOCDataset instead subtracts 1 from all four corners, giving
    boxes one pixel narrower and shorter; the difference is immaterial at IoU
    0.5 and small even at 0.95, except for boxes a few pixels wide.
    """
    return [xmin - 1, ymin - 1, xmax - xmin + 1, ymax - ymin + 1]


def parse_voc_xml(xml_path: str) -> dict:
    """One VOC annotation file -> ``dict(filename, width, height, objects)``.

    ``width``/``height`` are None when the XML has no positive size (a few
    third-party VOC-style datasets omit it). Each object is
    ``dict(name, bbox=(xmin, ymin, xmax, ymax), difficult)``; coordinates are
    read as floats because some tools write fractional VOC coordinates.
    """
    root = ET.parse(xml_path).getroot()
    size = root.find('size')
    width = height = None
    if size is not None:
        w, h = int(float(size.findtext('width', '0'))), int(
            float(size.findtext('height', '0')))
        if w > 0 and h > 0:
            width, height = w, h
    objects = []
    for obj in root.findall('object'):
        box = obj.find('bndbox')
        objects.append(
            dict(
                name=obj.findtext('name').strip(),
                bbox=tuple(
                    float(box.findtext(k))
                    for k in ('xmin', 'ymin', 'xmax', 'ymax')),
                difficult=int(obj.findtext('difficult', '0') or 0) == 1))
    return dict(
        filename=root.findtext('filename'),
        width=width,
        height=height,
        objects=objects)


def read_split(devkit_root: str, split: str) -> Tuple[str, List[str]]:
    """``'VOC2007/test'`` -> ``('VOC2007', [image ids])``."""
    year_dir, _, set_name = split.partition('/')
    if not set_name:
        raise UserError(f"split '{split}' must look like 'VOC2007/trainval'")
    list_file = osp.join(devkit_root, year_dir, 'ImageSets', 'Main',
                         f'{set_name}.txt')
    if not osp.isfile(list_file):
        raise UserError(f'{list_file} not found: is {devkit_root} a '
                        f'VOCdevkit with {year_dir} in it?')
    with open(list_file) as f:
        ids = [line.split()[0] for line in f if line.strip()]
    return year_dir, ids


def convert_voc_to_coco(devkit_root: str,
                        splits: Sequence[str],
                        classes: Sequence[str] = VOC_CLASSES) -> dict:
    """Convert the union of ``splits`` (e.g. ``['VOC2007/trainval',
    'VOC2012/trainval']``) into one COCO dict; see the module docstring.

    The dict also carries ``skipped``: ``{class name: objects skipped}`` for
    names outside ``classes``; it is not part of the COCO format and
    :func:`save_coco_json` leaves it out.
    """
    cat_ids = {name: i + 1 for i, name in enumerate(classes)}
    images, annotations, skipped = [], [], Counter()
    for split in splits:
        year_dir, ids = read_split(devkit_root, split)
        for voc_id in ids:
            xml_path = osp.join(devkit_root, year_dir, 'Annotations',
                                f'{voc_id}.xml')
            if not osp.isfile(xml_path):
                raise UserError(f'{xml_path} not found ({split} lists '
                                f'{voc_id})')
            ann = parse_voc_xml(xml_path)
            file_name = f'{year_dir}/JPEGImages/{voc_id}.jpg'
            width, height = ann['width'], ann['height']
            if width is None:
                # Reads the header only, not the pixels.
                with Image.open(osp.join(devkit_root, file_name)) as img:
                    width, height = img.size
            image_id = len(images) + 1
            images.append(
                dict(
                    id=image_id,
                    file_name=file_name,
                    width=width,
                    height=height))
            for obj in ann['objects']:
                if obj['name'] not in cat_ids:
                    skipped[obj['name']] += 1
                    continue
                x, y, w, h = voc_box_to_coco(*obj['bbox'])
                annotations.append(
                    dict(
                        id=len(annotations) + 1,
                        image_id=image_id,
                        category_id=cat_ids[obj['name']],
                        bbox=[x, y, w, h],
                        area=w * h,
                        iscrowd=int(obj['difficult'])))
    return dict(
        images=images,
        annotations=annotations,
        categories=[dict(id=i, name=n) for n, i in cat_ids.items()],
        skipped=dict(skipped))


def save_coco_json(coco: dict, out_file: str) -> None:
    """Write the COCO part of ``coco`` (without ``skipped``) to
    ``out_file``."""
    keys = ('images', 'annotations', 'categories')
    with open(out_file, 'w') as f:
        json.dump({k: coco[k] for k in keys}, f)


def available_standard_splits(
        devkit_root: str,
        names: Optional[Sequence[str]] = None) -> Dict[str, Tuple[str, ...]]:
    """The entries of :data:`STANDARD_SPLITS` (or of ``names``) whose split
    lists all exist under ``devkit_root``; e.g. only the 2007 ones for a
    devkit without VOC2012."""
    names = STANDARD_SPLITS if names is None else names
    available = {}
    for name in names:
        parts = STANDARD_SPLITS[name]
        if all(
                osp.isfile(
                    osp.join(devkit_root, p.split('/')[0], 'ImageSets',
                             'Main', p.split('/')[1] + '.txt'))
                for p in parts):
            available[name] = parts
    return available
