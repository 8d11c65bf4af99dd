"""The embedded dataset: seeded synthetic scenes of shapes, written in COCO format.

Why a synthetic set at all? DetLab must train and evaluate every detector on a
fresh machine with no download. A toy set of three flat shapes on a white page
saturates after a few hundred iterations and tells nothing about the detectors,
so this generator is built to separate them:

* six shape classes whose silhouettes differ in corners and symmetry. Colour
  is a cue, not the answer: 70% of objects are painted near their class's
  hue, the rest in any colour, so a colour-only classifier tops out far
  below a shape-aware one, yet a detector trained from scratch gets a
  foothold in its first few hundred steps;
* sizes from about 8 px to half the image side, in COCO's small / medium /
  large bands, so APs/APm/APl all mean something;
* occlusion: later shapes are painted over earlier ones, but every object
  keeps at least ``min_visible`` of its area visible, and its mask, box and
  polygon describe the visible part (the COCO convention);
* textured, noisy backgrounds and unlabelled distractors (lines, open curves,
  low-contrast blobs) that produce false positives for a lazy classifier;
* boxes computed from visible masks, pixel-exact: a sloppy box regressor loses
  far more at IoU 0.75 than at IoU 0.5.

Every image is drawn from its own generator seeded by (seed, split, index),
so the set is identical on every machine and any single image can be
regenerated on its own.
"""
import json
import math
import os
import os.path as osp
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import cv2
import numpy as np
from pycocotools import mask as mask_utils

CLASSES = ('circle', 'triangle', 'square', 'star', 'hexagon', 'cross')

# Bump when a change to this file changes the pixels or annotations it
# writes: datasets written by an older generator are then regenerated instead
# of silently training on stale data.
GENERATOR_VERSION = 3

# Bands of the shape's extent in px: (probability, low, high). Polygon areas are
# 0.3-0.8 of extent squared and occlusion removes more; see docs/benchmarks.md
# for the measured small / medium / large split. Small objects are plentiful
# enough that APs is measured on hundreds of instances, yet do not dominate
# what a CPU-sized model trained from scratch can learn in minutes.
SIZE_BANDS = ((0.10, 8, 24), (0.45, 24, 80), (0.45, 80, None))

# Minimum mean absolute difference (0-255 scale, averaged over BGR) between an
# object's fill and the background it covers: objects stay visible, while
# distractors and texture are free to be faint. Version 1 had no such floor:
# about one object in six was within 45 levels of its background and one in
# twenty within 30 (Monte Carlo over its colour draws), and a model trained
# from scratch on a CPU budget spends its few iterations on those.
MIN_CONTRAST = 45.0

# Hue (OpenCV's 0-180 scale) that each class is usually painted near, and how
# often. Version 2 drew colours independently of the class: measured here,
# RetinaNet R50-FPN from scratch then reached only 0.5 AP after 100
# iterations (3.5 train-minutes), as in version 1 - learning shape alone from
# a random init is slower than a CPU budget allows.
CLASS_HUES = (0, 30, 60, 90, 120, 150)
COLOUR_FOLLOWS_CLASS = 0.7


@dataclass
class ShapesSpec:
    """Everything that defines the embedded dataset; its defaults are the
    dataset the configs train on. Change a field and you get another,
    equally deterministic, dataset."""
    seed: int = 2026
    num_train: int = 1000
    num_val: int = 200
    min_side: int = 256
    max_side: int = 320
    objects_per_image: Tuple[int, int] = (2, 7)
    min_visible: float = 0.5
    distractors_per_image: Tuple[int, int] = (1, 5)
    jpeg_quality: int = 92
    splits: Dict[str, int] = field(default_factory=dict)

    def split_sizes(self) -> Dict[str, int]:
        return self.splits or {'train': self.num_train, 'val': self.num_val}

    def fingerprint(self) -> str:
        """What determines each image's pixels and annotations. Split sizes
        are left out on purpose: a 10-image split is a prefix of the
        1000-image one, so both may share a directory."""
        fields = dict(version=GENERATOR_VERSION, seed=self.seed,
                      min_side=self.min_side, max_side=self.max_side,
                      objects_per_image=list(self.objects_per_image),
                      min_visible=self.min_visible,
                      distractors_per_image=list(self.distractors_per_image),
                      jpeg_quality=self.jpeg_quality)
        return json.dumps(fields, sort_keys=True)


def _split_offset(split: str) -> int:
    # A stable small integer per split name, so 'train' and 'val' never share
    # an image stream; Python's hash() is salted per process, so avoid it.
    return sum((i + 1) * ord(c) for i, c in enumerate(split))


def _shape_polygon(cls_name: str, size: float, rng: np.random.Generator):
    """Vertices of a shape of extent about ``size`` px, centred at 0."""
    r = size / 2.0
    theta = rng.uniform(0, 2 * math.pi)
    if cls_name == 'circle':
        t = np.linspace(0, 2 * math.pi, 48, endpoint=False)
        pts = np.stack([np.cos(t), np.sin(t)], 1) * r
    elif cls_name in ('triangle', 'square', 'hexagon'):
        n = {'triangle': 3, 'square': 4, 'hexagon': 6}[cls_name]
        t = theta + np.arange(n) * 2 * math.pi / n
        pts = np.stack([np.cos(t), np.sin(t)], 1) * r
    elif cls_name == 'star':
        t = theta + np.arange(10) * math.pi / 5
        radius = np.where(np.arange(10) % 2 == 0, r, r * 0.45)
        pts = np.stack([np.cos(t), np.sin(t)], 1) * radius[:, None]
    elif cls_name == 'cross':
        w = 0.33
        base = np.array([[-w, -1], [w, -1], [w, -w], [1, -w], [1, w], [w, w],
                         [w, 1], [-w, 1], [-w, w], [-1, w], [-1, -w],
                         [-w, -w]]) * r
        c, s = math.cos(theta), math.sin(theta)
        pts = base @ np.array([[c, s], [-s, c]])
    else:
        raise ValueError(f'unknown shape class {cls_name!r}')
    # Mild anisotropy keeps a class recognisable while making boxes less
    # predictable from the centre alone.
    aspect = rng.uniform(0.8, 1.25)
    return pts * np.array([aspect, 1.0 / aspect]) ** 0.5


def _background(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = rng.uniform(40, 215, size=3).astype(np.float32)
    img = np.empty((h, w, 3), np.float32)
    gx, gy = rng.uniform(-0.25, 0.25, size=2)
    for c in range(3):
        img[..., c] = base[c] + gx * (xx - w / 2) + gy * (yy - h / 2)
    # Two gratings of random orientation and period give a texture that a
    # detector must learn to ignore.
    for _ in range(2):
        ang = rng.uniform(0, math.pi)
        period = rng.uniform(6, 40)
        amp = rng.uniform(4, 16)
        phase = (xx * math.cos(ang) + yy * math.sin(ang)) * 2 * math.pi / period
        img += (amp * np.sin(phase))[..., None] * rng.uniform(0.3, 1, 3)
    # Low-frequency blotches: upsampled coarse noise.
    coarse = rng.normal(0, 18, size=(max(h // 32, 2), max(w // 32, 2), 3))
    img += cv2.resize(coarse.astype(np.float32), (w, h),
                      interpolation=cv2.INTER_CUBIC)
    return img


def _draw_distractors(img: np.ndarray, rng: np.random.Generator, n: int):
    h, w = img.shape[:2]
    for _ in range(n):
        color = tuple(float(v) for v in rng.uniform(0, 255, 3))
        kind = rng.integers(3)
        if kind == 0:  # straight lines: edges without a closed contour
            p1 = tuple(int(v) for v in rng.integers(0, [w, h]))
            p2 = tuple(int(v) for v in rng.integers(0, [w, h]))
            cv2.line(img, p1, p2, color, int(rng.integers(1, 4)), cv2.LINE_AA)
        elif kind == 1:  # open polylines: corners that are not a shape
            k = int(rng.integers(3, 6))
            pts = rng.integers(0, [w, h], size=(k, 2)).astype(np.int32)
            cv2.polylines(img, [pts], False, color, int(rng.integers(1, 3)),
                          cv2.LINE_AA)
        else:  # faint blob: an object-sized region with no class
            centre = tuple(int(v) for v in rng.integers(0, [w, h]))
            axes = tuple(int(v) for v in rng.integers(6, 40, 2))
            overlay = img.copy()
            cv2.ellipse(overlay, centre, axes, float(rng.uniform(0, 180)), 0,
                        360, color, -1, cv2.LINE_AA)
            a = rng.uniform(0.15, 0.35)
            img[:] = img * (1 - a) + overlay * a


def _object_colour(label: int, follows_class: bool,
                   rng: np.random.Generator) -> np.ndarray:
    """A BGR fill colour: near the class's hue, or any colour."""
    if not follows_class:
        return rng.uniform(0, 255, 3).astype(np.float32)
    hue = (CLASS_HUES[label] + rng.normal(0, 6)) % 180
    hsv = np.array([[[hue, rng.uniform(140, 255), rng.uniform(110, 255)]]],
                   np.float32)
    # OpenCV's float HSV uses hue in degrees (0-360) and S, V in 0-1.
    hsv[..., 0] *= 2
    hsv[..., 1:] /= 255
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)[0, 0] * 255


def _sample_size(rng: np.random.Generator, max_size: float) -> float:
    u = rng.uniform()
    acc = 0.0
    for p, lo, hi in SIZE_BANDS:
        acc += p
        if u <= acc:
            hi = max_size if hi is None else min(hi, max_size)
            # log-uniform inside a band: as many 10 px as 20 px objects.
            return float(math.exp(rng.uniform(math.log(lo), math.log(hi))))
    return float(max_size)


def _mask_to_polygons(mask: np.ndarray) -> List[List[float]]:
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL,
                                   cv2.CHAIN_APPROX_SIMPLE)
    polys = []
    for cnt in contours:
        if len(cnt) >= 3:
            polys.append([float(v) for v in cnt.reshape(-1)])
    return polys


def render_image(spec: ShapesSpec, split: str, index: int):
    """Draw one image and its instances. Returns (BGR uint8 image, list of
    dicts with category index, bbox xywh, area, polygons)."""
    rng = np.random.default_rng(
        [spec.seed, _split_offset(split), index])
    h = int(rng.integers(spec.min_side, spec.max_side + 1))
    w = int(rng.integers(spec.min_side, spec.max_side + 1))
    img = _background(h, w, rng)
    _draw_distractors(img, rng, int(rng.integers(*spec.distractors_per_image)))

    id_map = np.zeros((h, w), np.int32)  # 0 = background, k = k-th object
    full_areas: List[int] = []
    labels: List[int] = []
    n_target = int(rng.integers(spec.objects_per_image[0],
                                spec.objects_per_image[1] + 1))
    attempts = 0
    while len(labels) < n_target and attempts < n_target * 6:
        attempts += 1
        label = int(rng.integers(len(CLASSES)))
        size = _sample_size(rng, min(h, w) / 2)
        pts = _shape_polygon(CLASSES[label], size, rng)
        ext = np.abs(pts).max(0)
        cx = rng.uniform(ext[0], w - ext[0])
        cy = rng.uniform(ext[1], h - ext[1])
        poly = np.round(pts + [cx, cy]).astype(np.int32)
        mask = np.zeros((h, w), np.uint8)
        cv2.fillPoly(mask, [poly], 1)
        area = int(mask.sum())
        if area < 30:
            continue
        # Reject a placement that would hide too much of an earlier object.
        trial = id_map.copy()
        trial[mask > 0] = len(labels) + 1
        if labels:
            visible = np.bincount(trial.ravel(), minlength=len(labels) + 2)
            if any(visible[k + 1] < spec.min_visible * full_areas[k]
                   for k in range(len(labels))):
                continue
        id_map = trial
        full_areas.append(area)
        labels.append(label)

        # Paint: a flat colour with a random gradient or stripes, so that
        # texture alone never identifies the class.
        m = mask.astype(bool)
        under = img[m].mean(0)
        follows = rng.uniform() < COLOUR_FOLLOWS_CLASS
        for _ in range(12):
            color = _object_colour(label, follows, rng)
            if np.abs(color - under).mean() >= MIN_CONTRAST:
                break
        fill = np.broadcast_to(color, (h, w, 3)).astype(np.float32)
        if rng.uniform() < 0.4:
            yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
            ang = rng.uniform(0, math.pi)
            period = rng.uniform(4, 16)
            stripes = np.sin((xx * math.cos(ang) + yy * math.sin(ang)) *
                             2 * math.pi / period)
            fill = fill + stripes[..., None] * rng.uniform(10, 30)
        img[m] = fill[m]

    img = cv2.GaussianBlur(img, (3, 3), rng.uniform(0.3, 1.0))
    img += rng.normal(0, rng.uniform(2, 8), img.shape).astype(np.float32)
    img = np.clip(img, 0, 255).astype(np.uint8)

    instances = []
    for k, label in enumerate(labels):
        polys = _mask_to_polygons(id_map == (k + 1))
        if not polys:
            continue
        # Box and area come from the polygons as pycocotools rasterises them,
        # so that every COCO tool (and mmdet's mask loading) sees annotations
        # that agree to the pixel.
        rle = mask_utils.merge(mask_utils.frPyObjects(polys, h, w))
        area = float(mask_utils.area(rle))
        if area < 1:
            continue
        instances.append(dict(label=label,
                              bbox=[float(v) for v in mask_utils.toBbox(rle)],
                              area=area, segmentation=polys))
    return img, instances


def annotation_path(root: str, split: str) -> str:
    return osp.join(root, 'annotations', f'instances_{split}.json')


def generate_split(root: str, split: str, num_images: int,
                   spec: Optional[ShapesSpec] = None,
                   progress: bool = True) -> str:
    """Write ``num_images`` images under ``root/split/`` and their COCO file
    under ``root/annotations/``. Returns the annotation path."""
    spec = spec or ShapesSpec()
    img_dir = osp.join(root, split)
    os.makedirs(img_dir, exist_ok=True)
    os.makedirs(osp.join(root, 'annotations'), exist_ok=True)
    coco = dict(
        info=dict(description='DetLab embedded shapes dataset',
                  version=str(GENERATOR_VERSION), seed=spec.seed, split=split,
                  fingerprint=spec.fingerprint()),
        images=[], annotations=[],
        categories=[dict(id=i + 1, name=n, supercategory='shape')
                    for i, n in enumerate(CLASSES)])
    bar = None
    if progress:
        from mmengine.utils import ProgressBar
        print(f'Generating the embedded shapes dataset: {split} '
              f'({num_images} images) -> {img_dir}')
        bar = ProgressBar(num_images)
    ann_id = 1
    for idx in range(num_images):
        img, instances = render_image(spec, split, idx)
        name = f'{idx:06d}.jpg'
        cv2.imwrite(osp.join(img_dir, name), img,
                    [cv2.IMWRITE_JPEG_QUALITY, spec.jpeg_quality])
        coco['images'].append(dict(id=idx + 1, file_name=name,
                                   height=img.shape[0], width=img.shape[1]))
        for inst in instances:
            coco['annotations'].append(dict(
                id=ann_id, image_id=idx + 1, category_id=inst['label'] + 1,
                bbox=inst['bbox'], area=inst['area'],
                segmentation=inst['segmentation'], iscrowd=0))
            ann_id += 1
        if bar is not None:
            bar.update()
    if bar is not None:
        print()
    ann_file = annotation_path(root, split)
    tmp = ann_file + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(coco, f)
    # Atomic rename: an interrupted generation never leaves a half-written
    # annotation file that later runs would mistake for a finished dataset.
    os.replace(tmp, ann_file)
    return ann_file


def is_current(ann_file: str, spec: ShapesSpec) -> bool:
    """Whether ``ann_file`` exists and was written by this generator version
    with this spec."""
    if not osp.isfile(ann_file):
        return False
    try:
        with open(ann_file) as f:
            info = json.load(f).get('info', {})
    except (OSError, ValueError):
        return False
    return info.get('fingerprint') == spec.fingerprint()


def ensure_shapes_dataset(root: str, spec: Optional[ShapesSpec] = None,
                          progress: bool = True) -> None:
    """Generate every split whose annotation file is missing, or was written
    by another generator version or spec."""
    spec = spec or ShapesSpec()
    for split, n in spec.split_sizes().items():
        ann = annotation_path(root, split)
        if not is_current(ann, spec):
            if osp.isfile(ann) and progress:
                print(f'{ann} was written by another version of the '
                      'generator; regenerating it.')
            generate_split(root, split, n, spec, progress)
