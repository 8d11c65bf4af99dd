"""Readers for the annotation layouts users bring: what labelling tools write.

Each reader turns a folder into the same plain records, so that everything
after it (cleaning, EXIF handling, the split, the COCO json) is written
once, in :mod:`.folder_to_coco`::

    dict(image=<absolute path>, size=(w, h) or None, split=None|'train'|'val',
         objects=[dict(name=str, bbox=[x1, y1, x2, y2],
                       polygon=[x, y, x, y, ...] or None)])

Boxes are corners in continuous pixel coordinates (origin at the top-left
corner of the first pixel), COCO's convention. ``size`` is the image size
the annotation file claims (None when it claims none); the cleaner compares
it with the image itself, because tools disagree on EXIF rotation and some
write 0 or the wrong size. ``split`` is set where the layout already has one
(VOCdevkit ImageSets, several COCO jsons, YOLO's images/train and
images/val).

The layouts, as the tools write them:

* **voc** (LabelImg, CVAT "Pascal VOC", a VOCdevkit): one XML per image with
  ``<filename>``, ``<size>`` and ``<object><name><bndbox>``; 1-based
  inclusive pixel corners, converted as the VOC converter does
  (:func:`..voc_to_coco.voc_box_to_coco`).
* **coco**: a json with ``images``, ``annotations`` and ``categories``.
* **labelme**: one json per image with ``shapes`` (``label``, ``points``,
  ``shape_type`` rectangle or polygon) and ``imagePath``.
* **via** (VGG Image Annotator 2): a project or export json whose entries
  hold ``filename`` and ``regions`` with ``shape_attributes`` (rect,
  polygon) and ``region_attributes`` (the class under some attribute name).
* **yolo**: ``labels/**/*.txt`` with ``class cx cy w h`` normalised to the
  image, class names from ``classes.txt``, ``obj.names`` or a
  ``data.yaml``'s ``names``.
"""
import json
import os
import os.path as osp
import xml.etree.ElementTree as ET
from typing import Callable, Dict, List, Optional

from custom_modules.errors import UserError

from .voc_to_coco import voc_box_to_coco

IMAGE_EXTS = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp')
# Names a YOLO or VOC folder gives its splits, mapped to ours.
SPLIT_NAMES = {'train': 'train', 'trainval': 'train', 'training': 'train',
               'val': 'val', 'valid': 'val', 'validation': 'val',
               'test': 'val'}


def walk_files(root: str, exts) -> List[str]:
    """Every file under ``root`` ending in one of ``exts`` (any case),
    sorted, skipping hidden folders (.git, .ipynb_checkpoints)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith('.'))
        found += [osp.join(dirpath, f) for f in filenames
                  if f.lower().endswith(exts) and not f.startswith('.')]
    return sorted(found)


class ImageIndex:
    """Find an image named by an annotation file, however the tool wrote
    the name: a path relative to the annotation, to the root, an absolute
    path from another machine, or only the file's stem."""

    def __init__(self, root: str):
        self.root = root
        self.images = walk_files(root, IMAGE_EXTS)
        self.by_name: Dict[str, List[str]] = {}
        self.by_stem: Dict[str, List[str]] = {}
        for path in self.images:
            name = osp.basename(path)
            self.by_name.setdefault(name.lower(), []).append(path)
            self.by_stem.setdefault(osp.splitext(name)[0].lower(),
                                    []).append(path)

    def find(self, name: Optional[str], near: str,
             stem: Optional[str] = None) -> Optional[str]:
        if name:
            name = name.replace('\\', '/')
            for cand in (osp.join(osp.dirname(near), name),
                         osp.join(self.root, name)):
                if osp.isfile(cand):
                    return osp.abspath(cand)
            hits = self.by_name.get(osp.basename(name).lower())
            if hits:
                return self._closest(hits, near)
            stem = stem or osp.splitext(osp.basename(name))[0]
        hits = self.by_stem.get((stem or '').lower())
        return self._closest(hits, near) if hits else None

    @staticmethod
    def _closest(hits: List[str], near: str) -> str:
        # Two images of the same name (train/a.jpg, val/a.jpg): the one
        # sharing the longest folder prefix with its annotation file.
        near = osp.abspath(near)
        return max(hits, key=lambda p: len(osp.commonpath([p, near])))


def _split_of(path: str, root: str) -> Optional[str]:
    parts = osp.relpath(path, root).replace('\\', '/').lower().split('/')
    for part in parts[:-1]:
        if part in SPLIT_NAMES:
            return SPLIT_NAMES[part]
    return None


def _box(x1, y1, x2, y2) -> List[float]:
    return [float(min(x1, x2)), float(min(y1, y2)),
            float(max(x1, x2)), float(max(y1, y2))]


def _poly_box(xs, ys) -> List[float]:
    return _box(min(xs), min(ys), max(xs), max(ys))


# --------------------------------------------------------------- detectors
def _is_voc_xml(path: str) -> bool:
    try:
        return ET.parse(path).getroot().tag == 'annotation'
    except ET.ParseError:
        return False


def _load_json(path: str):
    try:
        with open(path, encoding='utf-8') as f:
            return json.load(f)
    except (ValueError, UnicodeDecodeError):
        return None


def _json_kind(data) -> Optional[str]:
    if not isinstance(data, dict):
        return None
    if {'images', 'annotations', 'categories'} <= set(data):
        return 'coco'
    if 'shapes' in data and ('imagePath' in data or 'imageData' in data):
        return 'labelme'
    if '_via_img_metadata' in data:
        return 'via'
    values = list(data.values())[:5]
    if values and all(isinstance(v, dict) and 'regions' in v
                      and 'filename' in v for v in values):
        return 'via'
    return None


def detect_format(root: str) -> str:
    """The one layout ``root`` holds; a UserError when it holds none or
    several (then ``--format`` says which)."""
    found = set()
    if any(_is_voc_xml(p) for p in walk_files(root, ('.xml', ))[:20]):
        found.add('voc')
    for path in walk_files(root, ('.json', ))[:200]:
        kind = _json_kind(_load_json(path))
        if kind:
            found.add(kind)
    if _yolo_label_files(root):
        found.add('yolo')
    if len(found) == 1:
        return found.pop()
    if not found:
        raise UserError(
            f'no annotations found under {root}: looked for Pascal VOC '
            '.xml, a COCO .json, labelme or VIA .json files and YOLO '
            'labels/*.txt. Point DIR at the folder that holds them, or '
            'give --format.')
    raise UserError(f'{root} holds annotations in several formats '
                    f'({", ".join(sorted(found))}); choose one with '
                    f'--format {"|".join(sorted(found))}')


# ----------------------------------------------------------------- readers
def read_voc(root: str) -> List[dict]:
    from .voc_to_coco import parse_voc_xml
    index = ImageIndex(root)
    split_lists = _voc_split_lists(root)
    records = []
    for xml in walk_files(root, ('.xml', )):
        if not _is_voc_xml(xml):
            continue
        ann = parse_voc_xml(xml)
        stem = osp.splitext(osp.basename(xml))[0]
        image = index.find(ann['filename'], xml, stem=stem)
        objects = [dict(name=o['name'],
                        bbox=_corners(voc_box_to_coco(*o['bbox'])),
                        polygon=None) for o in ann['objects']]
        size = (ann['width'], ann['height']) if ann['width'] else None
        records.append(dict(image=image, source=xml, size=size,
                            split=split_lists.get(stem, _split_of(xml, root)),
                            objects=objects))
    return records


def _corners(xywh):
    x, y, w, h = xywh
    return [x, y, x + w, y + h]


def _voc_split_lists(root: str) -> Dict[str, str]:
    """image stem -> split, from every VOCdevkit ImageSets/Main list named
    like a split (trainval.txt, test.txt)."""
    splits = {}
    for path in walk_files(root, ('.txt', )):
        parts = path.replace('\\', '/').split('/')
        name = osp.splitext(parts[-1])[0].lower()
        if len(parts) >= 3 and parts[-3] == 'ImageSets' and \
                name in SPLIT_NAMES:
            with open(path) as f:
                for line in f:
                    if line.strip():
                        splits[line.split()[0]] = SPLIT_NAMES[name]
    return splits


def read_coco(root: str) -> List[dict]:
    index = ImageIndex(root)
    files = [p for p in walk_files(root, ('.json', ))
             if _json_kind(_load_json(p)) == 'coco']
    records = []
    for path in files:
        data = _load_json(path)
        names = {c['id']: c['name'] for c in data['categories']}
        by_image: Dict[int, list] = {}
        for a in data['annotations']:
            by_image.setdefault(a['image_id'], []).append(a)
        stem = osp.splitext(osp.basename(path))[0].lower()
        split = next((SPLIT_NAMES[k] for k in SPLIT_NAMES if k in stem),
                     None) if len(files) > 1 else None
        for img in data['images']:
            objects = []
            for a in by_image.get(img['id'], []):
                x, y, w, h = a['bbox']
                seg = a.get('segmentation')
                polygon = seg[0] if isinstance(seg, list) and seg and \
                    isinstance(seg[0], list) else None
                objects.append(dict(
                    name=names.get(a['category_id'],
                                   f'category {a["category_id"]}'),
                    bbox=[x, y, x + w, y + h], polygon=polygon,
                    iscrowd=int(a.get('iscrowd', 0))))
            size = (img.get('width'), img.get('height'))
            records.append(dict(
                image=index.find(img['file_name'], path), source=path,
                size=size if all(size) else None, split=split,
                objects=objects))
    return records


def read_labelme(root: str) -> List[dict]:
    index = ImageIndex(root)
    records = []
    for path in walk_files(root, ('.json', )):
        data = _load_json(path)
        if _json_kind(data) != 'labelme':
            continue
        objects = []
        for shape in data.get('shapes', []):
            pts = shape.get('points') or []
            if not pts:
                continue
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            kind = shape.get('shape_type') or 'polygon'
            polygon = [c for p in pts for c in p] \
                if kind == 'polygon' and len(pts) >= 3 else None
            objects.append(dict(name=str(shape.get('label', '')),
                                bbox=_poly_box(xs, ys), polygon=polygon))
        size = (data.get('imageWidth'), data.get('imageHeight'))
        records.append(dict(
            image=index.find(data.get('imagePath'), path,
                             stem=osp.splitext(osp.basename(path))[0]),
            source=path, size=size if all(size) else None,
            split=_split_of(path, root), objects=objects))
    return records


def read_via(root: str) -> List[dict]:
    index = ImageIndex(root)
    records = []
    for path in walk_files(root, ('.json', )):
        data = _load_json(path)
        if _json_kind(data) != 'via':
            continue
        entries = data.get('_via_img_metadata', data)
        for entry in entries.values():
            regions = entry.get('regions') or []
            if isinstance(regions, dict):  # VIA 1 keyed its regions
                regions = list(regions.values())
            objects = []
            for region in regions:
                shape = region.get('shape_attributes', {})
                name = _via_label(region.get('region_attributes', {}))
                kind = shape.get('name')
                if kind == 'rect':
                    x, y = shape['x'], shape['y']
                    objects.append(dict(
                        name=name, polygon=None,
                        bbox=_box(x, y, x + shape['width'],
                                  y + shape['height'])))
                elif kind in ('polygon', 'polyline'):
                    xs, ys = shape['all_points_x'], shape['all_points_y']
                    objects.append(dict(
                        name=name, bbox=_poly_box(xs, ys),
                        polygon=[c for p in zip(xs, ys) for c in p]
                        if len(xs) >= 3 else None))
                elif kind in ('circle', 'ellipse'):
                    rx = shape.get('r', shape.get('rx'))
                    ry = shape.get('r', shape.get('ry'))
                    cx, cy = shape['cx'], shape['cy']
                    objects.append(dict(name=name, polygon=None,
                                        bbox=_box(cx - rx, cy - ry,
                                                  cx + rx, cy + ry)))
            records.append(dict(
                image=index.find(entry.get('filename'), path), source=path,
                size=None, split=_split_of(path, root), objects=objects))
    return records


def _via_label(attrs) -> str:
    """The class of a VIA region: the attribute called label/class/name/
    type if there is one, else the first attribute; checkbox attributes
    are ``{option: true}`` dicts."""
    if not attrs:
        return ''
    key = next((k for k in attrs
                if k.lower() in ('label', 'class', 'name', 'type')),
               next(iter(attrs)))
    value = attrs[key]
    if isinstance(value, dict):
        value = next((k for k, on in value.items() if on), '')
    return str(value)


def _yolo_label_files(root: str) -> List[str]:
    return [p for p in walk_files(root, ('.txt', ))
            if '/labels/' in p.replace('\\', '/') + '/'
            or osp.basename(osp.dirname(p)) == 'labels']


def _yolo_names(root: str) -> Optional[List[str]]:
    for name in ('classes.txt', 'obj.names', 'classes.names'):
        for path in walk_files(root, (name, )):
            with open(path, encoding='utf-8') as f:
                return [line.strip() for line in f if line.strip()]
    for path in walk_files(root, ('.yaml', '.yml')):
        import yaml
        with open(path, encoding='utf-8') as f:
            data = yaml.safe_load(f)
        names = data.get('names') if isinstance(data, dict) else None
        if isinstance(names, dict):
            return [names[k] for k in sorted(names)]
        if isinstance(names, list):
            return [str(n) for n in names]
    return None


def read_yolo(root: str) -> List[dict]:
    from PIL import Image
    index = ImageIndex(root)
    names = _yolo_names(root)
    records = []
    for path in _yolo_label_files(root):
        if osp.basename(path) in ('classes.txt', 'obj.names'):
            continue
        # images/train/a.jpg <-> labels/train/a.txt
        rel = path.replace('\\', '/').replace('/labels/', '/images/')
        image = index.find(None, rel, stem=osp.splitext(
            osp.basename(path))[0])
        objects = []
        width = height = None
        if image:
            # YOLO coordinates are fractions of the image as displayed.
            from PIL import ImageOps
            with Image.open(image) as im:
                width, height = ImageOps.exif_transpose(im).size
        with open(path, encoding='utf-8') as f:
            rows = [line.split() for line in f if line.strip()]
        for row in rows:
            cls = int(float(row[0]))
            cx, cy, w, h = (float(v) for v in row[1:5])
            name = names[cls] if names and cls < len(names) else str(cls)
            if width:
                objects.append(dict(name=name, polygon=None, bbox=_box(
                    (cx - w / 2) * width, (cy - h / 2) * height,
                    (cx + w / 2) * width, (cy + h / 2) * height)))
        records.append(dict(image=image, source=path,
                            size=(width, height) if width else None,
                            split=_split_of(path, root), objects=objects))
    return records


READERS: Dict[str, Callable[[str], List[dict]]] = dict(
    voc=read_voc, coco=read_coco, labelme=read_labelme, via=read_via,
    yolo=read_yolo)


def read_folder(root: str, fmt: str = 'auto') -> tuple:
    """``(format, records)`` for ``root``; ``fmt='auto'`` detects it."""
    if not osp.isdir(root):
        raise UserError(f'{root} is not a directory: give the folder that '
                        'holds your images and annotation files')
    fmt = detect_format(root) if fmt == 'auto' else fmt
    if fmt not in READERS:
        raise UserError(f'unknown format {fmt!r}; choose one of '
                        f'auto, {", ".join(READERS)}')
    records = READERS[fmt](root)
    if not records:
        raise UserError(f'no {fmt} annotation files found under {root}')
    return fmt, records
