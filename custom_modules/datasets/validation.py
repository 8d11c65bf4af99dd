"""What can be wrong with a COCO-style annotation file, counted.

``validate_coco`` reads the json once and sorts every problem into a named
bucket with its count and first examples. It never edits the file. The
buckets say what training does with each case, so a user can decide
whether to fix the data or let it be filtered:

=====================  ==========================================  ========
problem                what training does with it                  severity
=====================  ==========================================  ========
missing_image          LoadImageOrSkip draws another image          filtered
unreadable_image       LoadImageOrSkip draws another image          filtered
box_outside_image      clipped to the image by Resize               filtered
degenerate_box         dropped by CocoDataset (w or h < 1)          filtered
unknown_category       dropped by CocoDataset                       filtered
malformed_polygon      instance ignored by LoadAnnotations (masks)  filtered
duplicate_image_id     images overwrite each other in pycocotools  error
duplicate_annotation   pycocotools keeps one of them                error
annotation_no_image    never loaded (CocoDataset reads by image)    filtered
image_without_boxes    skipped in training (filter_empty_gt)        note
=====================  ==========================================  ========
"""
import json
import os.path as osp
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Dict, List, Optional

SEVERITY = {
    'missing_image': 'filtered', 'unreadable_image': 'filtered',
    'box_outside_image': 'filtered', 'degenerate_box': 'filtered',
    'unknown_category': 'filtered', 'malformed_polygon': 'filtered',
    'duplicate_image_id': 'error', 'duplicate_annotation': 'error',
    'annotation_no_image': 'filtered', 'image_without_boxes': 'note',
}
EXAMPLES = 3


@dataclass
class Report:
    path: str
    images: int = 0
    annotations: int = 0
    counts: Dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: Dict[str, List[str]] = field(
        default_factory=lambda: defaultdict(list))

    def add(self, problem: str, example: str) -> None:
        self.counts[problem] += 1
        if len(self.examples[problem]) < EXAMPLES:
            self.examples[problem].append(example)

    def of(self, severity: str) -> Dict[str, int]:
        return {p: n for p, n in self.counts.items()
                if SEVERITY[p] == severity}

    def summary(self) -> str:
        """One line: the counts of everything found."""
        found = ', '.join(f'{n} {p}' for p, n in sorted(self.counts.items()))
        return (f'{self.path}: {self.images} images, {self.annotations} '
                f'annotations; ' + (found or 'no problems'))

    def lines(self) -> List[str]:
        out = [self.summary()]
        for problem in sorted(self.counts):
            out.append(f'  {problem} ({SEVERITY[problem]}): '
                       f'{self.counts[problem]}, e.g. '
                       + '; '.join(self.examples[problem]))
        return out


def _polygon_ok(seg) -> bool:
    if isinstance(seg, dict):  # RLE
        return 'counts' in seg and 'size' in seg
    return isinstance(seg, list) and all(
        isinstance(p, list) and len(p) >= 6 and len(p) % 2 == 0
        for p in seg) and len(seg) > 0


def validate_coco(data: dict, path: str, img_dir: Optional[str] = None,
                  check_images: bool = False) -> Report:
    """Check parsed COCO json ``data``; with ``check_images`` every image
    under ``img_dir`` is opened and decoded too (slow on big sets)."""
    report = Report(path, len(data.get('images', [])),
                    len(data.get('annotations', [])))
    images, cat_ids, ann_ids = {}, {c['id'] for c in
                                    data.get('categories', [])}, set()
    for img in data.get('images', []):
        if img['id'] in images:
            report.add('duplicate_image_id', f"id {img['id']}")
        images[img['id']] = img
    with_boxes = set()
    for ann in data.get('annotations', []):
        where = f"annotation {ann.get('id')}"
        if ann.get('id') in ann_ids:
            report.add('duplicate_annotation', where)
        ann_ids.add(ann.get('id'))
        img = images.get(ann.get('image_id'))
        if img is None:
            report.add('annotation_no_image', f"{where} -> image "
                       f"{ann.get('image_id')}")
            continue
        if ann.get('category_id') not in cat_ids:
            report.add('unknown_category', f"{where}: category "
                       f"{ann.get('category_id')}")
            continue
        x, y, w, h = ann.get('bbox', (0, 0, 0, 0))
        if w < 1 or h < 1:
            report.add('degenerate_box', f'{where}: {w}x{h}')
            continue
        W, H = img.get('width', 0), img.get('height', 0)
        if W and H and (x < 0 or y < 0 or x + w > W or y + h > H):
            report.add('box_outside_image', f"{where} in {img['file_name']}")
        if 'segmentation' in ann and not _polygon_ok(ann['segmentation']):
            report.add('malformed_polygon', where)
        with_boxes.add(img['id'])
    for img in data.get('images', []):
        if img['id'] not in with_boxes:
            report.add('image_without_boxes', img['file_name'])
        if img_dir is None:
            continue
        file = osp.join(img_dir, img['file_name'])
        if not osp.isfile(file):
            report.add('missing_image', file)
        elif check_images and not _decodes(file):
            report.add('unreadable_image', file)
    return report


def _decodes(path: str) -> bool:
    import cv2
    import numpy as np
    raw = np.fromfile(path, dtype=np.uint8)
    return raw.size > 0 and cv2.imdecode(raw, cv2.IMREAD_UNCHANGED) is not None


def load_coco_json(path: str) -> dict:
    """The parsed file, or a UserError that says it is broken."""
    from ..errors import UserError
    try:
        with open(path) as f:
            data = json.load(f)
    except FileNotFoundError:
        raise UserError(f'annotation file not found: {path}.') from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise UserError(f'annotation file {path} is not valid JSON ({err}); '
                        'it is probably truncated: copy or convert it '
                        'again.') from None
    if not isinstance(data, dict) or 'images' not in data:
        raise UserError(f'annotation file {path} is not COCO-style (no '
                        '"images" list); convert it with '
                        'tools/dataset_converters/ first.')
    return data
