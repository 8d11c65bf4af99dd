"""A user's labelled folder -> a clean COCO dataset that mmdet trains on.

The records of :mod:`.annotation_formats` go through four steps, each of
which counts what it changed, so the user sees what their folder held:

1. **Classes.** Names that differ only in case or spacing (``Dog``,
   ``dog ``, ``DOG``) are one class: labelling by hand produces such
   variants, and as separate classes they would split one object kind
   into several that each look like the other's false positives. The
   class keeps its most frequent spelling (the first seen on a tie);
   classes are sorted by name.
2. **Images.** Each image is opened (unreadable ones are dropped and
   named) and written under ``OUT/images/`` with its relative path. The
   frame problem: a phone photo stores its pixels sideways plus an EXIF
   orientation tag; viewers and labelme rotate it, LabelImg and OpenCV
   versions differ. The images keep their paths below the deepest folder
   they all share (``images/a.jpg`` -> ``OUT/images/a.jpg``). The annotation's own ``size`` says which frame its
   boxes are in (rotated when it matches the rotated size, raw when it
   matches the stored one; the rotated frame when it says nothing or
   something wrong). The copy is written in that frame with the tag
   removed, so every loader sees the pixels the boxes were drawn on.
   Grayscale, palette and RGBA images are written as RGB. Other images
   are copied byte for byte.
3. **Boxes.** Boxes over the border are clipped to the image; boxes
   under 1 px wide or high after clipping are dropped (mmdet would filter
   them anyway, and a zero-area box has no IoU). Images without objects
   are kept: they teach the detector what background looks like and count
   as false-positive traps in validation.
4. **Split.** The layout's own train/val split when it has one, else a
   seeded random ``val_fraction`` of the images (at least one each way).

The output is ``OUT/annotations/{train,val}.json`` in COCO format, with
``segmentation`` polygons where every object has one (then the mask
configs can train too).
"""
import json
import os
import os.path as osp
import random
import shutil
from collections import Counter
from typing import Dict, List, Optional, Tuple

from custom_modules.errors import UserError

# EXIF orientations that swap width and height (90 and 270 degree turns).
_TRANSPOSING = (5, 6, 7, 8)


def class_key(name: str) -> str:
    return ' '.join(str(name).split()).lower()


def merge_class_names(records: List[dict]) -> Tuple[List[str], Dict, int]:
    """``(classes, key -> class index, spellings merged)``."""
    spellings: Dict[str, Counter] = {}
    for rec in records:
        for obj in rec['objects']:
            tidy = ' '.join(str(obj['name']).split())
            if tidy:
                spellings.setdefault(class_key(tidy), Counter())[
                    tidy] += 1
    keys = sorted(spellings)
    # Counter keeps first-seen order, so a tie goes to the first spelling
    # in file order.
    classes = [max(spellings[k], key=spellings[k].get) for k in keys]
    merged = sum(len(spellings[k]) - 1 for k in keys)
    return classes, {k: i for i, k in enumerate(keys)}, merged


def _frame(claimed, raw_size, orientation) -> Tuple[bool, str]:
    """``(rotate, why)``: whether the boxes live in the EXIF-rotated frame."""
    rotated = (raw_size[::-1] if orientation in _TRANSPOSING else raw_size)
    if claimed is None:
        return True, 'no size'
    claimed = tuple(int(v) for v in claimed)
    if claimed == tuple(rotated):
        return True, 'ok'
    if claimed == tuple(raw_size):
        return False, 'ok'
    return True, 'wrong size'


def export_image(rec: dict, out_path: str, stats: Counter):
    """Write the record's image to ``out_path`` in its boxes' frame;
    ``(width, height)`` of the written image, or None when unreadable."""
    from PIL import Image, ImageOps
    try:
        with Image.open(rec['image']) as im:
            im.load()
            orientation = im.getexif().get(0x0112, 1)
            rotate, why = _frame(rec['size'], im.size, orientation)
            if why == 'wrong size':
                stats['annotation size 0 or wrong (image size used)'] += 1
            fmt = im.format
            needs_rgb = im.mode != 'RGB'
            if needs_rgb:
                stats[f'{im.mode} images written as RGB'] += 1
            if orientation != 1:
                stats['EXIF-rotated images (written in the frame of '
                      'their boxes)'] += 1
            os.makedirs(osp.dirname(out_path), exist_ok=True)
            if orientation == 1 and not needs_rgb:
                shutil.copyfile(rec['image'], out_path)
                return im.size
            out = ImageOps.exif_transpose(im) if rotate else im.copy()
            if out.mode != 'RGB':
                background = Image.new('RGB', out.size, (0, 0, 0))
                rgba = out.convert('RGBA')
                background.paste(rgba, mask=rgba.split()[-1])
                out = background
            out.info.pop('exif', None)
            if fmt == 'JPEG':
                out.save(out_path, 'JPEG', quality=95)
            else:
                out.save(out_path, fmt if fmt in ('PNG', 'BMP', 'TIFF',
                                                  'WEBP') else 'PNG')
            return out.size
    except OSError:
        return None


def clip_box(bbox, width, height) -> Optional[List[float]]:
    """Clip corners to the image; None when under 1 px wide or high."""
    x1, y1, x2, y2 = bbox
    c = [min(max(x1, 0.0), width), min(max(y1, 0.0), height),
         min(max(x2, 0.0), width), min(max(y2, 0.0), height)]
    if c[2] - c[0] < 1 or c[3] - c[1] < 1:
        return None
    return c


def split_records(records: List[dict], val_fraction: float,
                  seed: int) -> None:
    """Give every record a ``split``: the layout's own when every record has
    one and both splits occur, else a seeded random draw."""
    own = {r['split'] for r in records}
    if None not in own and own == {'train', 'val'}:
        return
    if not 0 < val_fraction < 1:
        raise UserError(f'--val-fraction must be between 0 and 1, got '
                        f'{val_fraction}')
    if len(records) < 2:
        raise UserError(f'only {len(records)} usable image: a detector '
                        'needs at least one image to train on and one to '
                        'validate on')
    order = list(range(len(records)))
    random.Random(seed).shuffle(order)
    n_val = min(max(1, round(len(records) * val_fraction)),
                len(records) - 1)
    val = set(order[:n_val])
    for i, rec in enumerate(records):
        rec['split'] = 'val' if i in val else 'train'


def _out_name(rec: dict, root: str, taken: set) -> str:
    rel = osp.relpath(rec['image'], root).replace('\\', '/')
    if rel.startswith('../'):
        rel = osp.basename(rec['image'])
    name, n = rel, 1
    while name.lower() in taken:
        stem, ext = osp.splitext(rel)
        name, n = f'{stem}_{n}{ext}', n + 1
    taken.add(name.lower())
    return name


def folder_to_coco(records: List[dict], root: str, out_dir: str,
                   val_fraction: float = 0.2, seed: int = 0) -> dict:
    """Write ``out_dir/images/`` and ``out_dir/annotations/{train,val}.json``;
    returns ``dict(classes, stats, counts, has_masks, ann_files)``."""
    stats: Counter = Counter()
    classes, index_of, merged = merge_class_names(records)
    if not classes:
        raise UserError(f'the annotations under {root} name no object '
                        'class: every box needs a label')
    if merged:
        stats['class spellings merged (case or spacing)'] = merged
    usable, taken = [], set()
    found = [osp.dirname(osp.abspath(r['image'])) for r in records
             if r['image']]
    common = osp.commonpath(found) if found else root
    for rec in records:
        if not rec['image']:
            stats['annotation files whose image is missing'] += 1
            continue
        name = _out_name(rec, common, taken)
        size = export_image(rec, osp.join(out_dir, 'images', name), stats)
        if size is None:
            stats['unreadable images (dropped)'] += 1
            taken.discard(name.lower())
            continue
        if not name.isascii() or ' ' in name:
            stats['file names with spaces or non-ASCII (kept)'] += 1
        rec.update(file_name=name, width=size[0], height=size[1])
        usable.append(rec)
    split_records(usable, val_fraction, seed)
    all_polygons = True
    out = {s: dict(images=[], annotations=[],
                   categories=[dict(id=i + 1, name=c)
                               for i, c in enumerate(classes)])
           for s in ('train', 'val')}
    for rec in usable:
        coco = out[rec['split']]
        image_id = len(coco['images']) + 1
        coco['images'].append(dict(id=image_id, file_name=rec['file_name'],
                                   width=rec['width'],
                                   height=rec['height']))
        kept = 0
        for obj in rec['objects']:
            key = class_key(obj['name'])
            if key not in index_of:
                stats['objects without a label (dropped)'] += 1
                continue
            box = clip_box(obj['bbox'], rec['width'], rec['height'])
            if box is None:
                stats['degenerate boxes (dropped)'] += 1
                continue
            if box != [float(v) for v in obj['bbox']]:
                stats['boxes over the border (clipped)'] += 1
            x1, y1, x2, y2 = box
            ann = dict(id=len(coco['annotations']) + 1, image_id=image_id,
                       category_id=index_of[key] + 1,
                       bbox=[x1, y1, x2 - x1, y2 - y1],
                       area=(x2 - x1) * (y2 - y1),
                       iscrowd=int(obj.get('iscrowd', 0)))
            if obj.get('polygon'):
                ann['segmentation'] = [[
                    min(max(v, 0.0), rec['width'] if i % 2 == 0
                        else rec['height'])
                    for i, v in enumerate(obj['polygon'])]]
            else:
                all_polygons = False
            coco['annotations'].append(ann)
            kept += 1
        if not kept:
            stats['images without objects (kept)'] += 1
    for split, coco in out.items():
        if not coco['images']:
            raise UserError(f'the {split} split is empty; lower or raise '
                            '--val-fraction, or label more images')
        if not coco['annotations']:
            raise UserError(f'the {split} split has images but no boxes')
    ann_dir = osp.join(out_dir, 'annotations')
    os.makedirs(ann_dir, exist_ok=True)
    ann_files = {}
    for split, coco in out.items():
        ann_files[split] = osp.join(ann_dir, f'{split}.json')
        with open(ann_files[split], 'w', encoding='utf-8') as f:
            json.dump(coco, f, ensure_ascii=False)
    counts = {s: dict(images=len(c['images']),
                      boxes=len(c['annotations'])) for s, c in out.items()}
    return dict(classes=classes, stats=dict(stats), counts=counts,
                has_masks=all_polygons, ann_files=ann_files)
