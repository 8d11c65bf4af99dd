"""What ``tools/infer.py`` does: a trained detector on new images.

mmdet's :class:`~mmdet.apis.DetInferencer` does the work (the config's test
pipeline, batching, drawing, a progress bar); this adds what a user of a
folder of photos needs around it: the checkpoint checked against the
config first, images found in a folder tree, and all the detections in one
COCO json (``images``, ``categories`` and ``annotations`` with ``score``)
that pycocotools, labelling tools (CVAT, Label Studio) and
``tools/analysis`` read.
"""
import json
import os
import os.path as osp
from typing import Dict, List

from ..datasets.converters.annotation_formats import IMAGE_EXTS, walk_files
from ..errors import UserError
from .config import import_plugins, load_config
from .test import check_checkpoint_fits, resolve_checkpoint


def list_images(src: str) -> List[str]:
    if osp.isfile(src):
        if not src.lower().endswith(IMAGE_EXTS):
            raise UserError(f'{src} is not an image ({", ".join(IMAGE_EXTS)})')
        return [src]
    if not osp.isdir(src):
        raise UserError(f'{src} not found: give an image or a folder of '
                        'images')
    images = walk_files(src, IMAGE_EXTS)
    if not images:
        raise UserError(f'no images ({", ".join(IMAGE_EXTS)}) under {src}')
    return images


def infer(config: str, checkpoint: str, src: str, out_dir: str,
          score_thr: float = 0.3, batch_size: int = 1,
          device: str = None) -> Dict:
    """Draw detections into ``out_dir/vis/`` and write
    ``out_dir/detections.json``; returns that json's dict."""
    import torch
    from mmdet.apis import DetInferencer
    from PIL import Image
    cfg = load_config(config)
    import_plugins(cfg)
    ckpt = resolve_checkpoint(checkpoint)
    images = list_images(src)
    device = device or ('cuda' if torch.cuda.is_available() else 'cpu')
    # Drawn images are saved below, not through a logging backend.
    cfg.visualizer.vis_backends = []
    # One progress bar over all images, not one per call.
    inferencer = DetInferencer(model=cfg, weights=ckpt, device=device,
                               show_progress=False)
    check_checkpoint_fits(inferencer.model, ckpt)
    classes = inferencer.model.dataset_meta['classes']
    # One file per image under vis/, named by its path inside src, so two
    # a.jpg in different subfolders do not overwrite each other.
    root = src if osp.isdir(src) else osp.dirname(src)
    names = [osp.relpath(p, root).replace(os.sep, '__') for p in images]
    os.makedirs(osp.join(out_dir, 'vis'), exist_ok=True)
    coco = dict(images=[], annotations=[],
                categories=[dict(id=i + 1, name=c)
                            for i, c in enumerate(classes)])
    from rich.progress import track
    for start in track(range(0, len(images), batch_size),
                       description='Inference'):
        chunk = images[start:start + batch_size]
        result = inferencer(chunk, batch_size=batch_size, out_dir='',
                            return_vis=True, no_save_pred=True,
                            pred_score_thr=score_thr)
        for path, name, pred, vis in zip(chunk, names[start:],
                                         result['predictions'],
                                         result['visualization']):
            Image.fromarray(vis).save(osp.join(out_dir, 'vis', name))
            # The frame the model saw (after the loader's EXIF rotation).
            height, width = vis.shape[:2]
            image_id = len(coco['images']) + 1
            coco['images'].append(dict(id=image_id, width=width,
                                       height=height,
                                       file_name=osp.relpath(path, root)))
            for label, score, (x1, y1, x2, y2) in zip(
                    pred['labels'], pred['scores'], pred['bboxes']):
                if score < score_thr:
                    continue
                coco['annotations'].append(dict(
                    id=len(coco['annotations']) + 1, image_id=image_id,
                    category_id=int(label) + 1, score=round(float(score), 5),
                    bbox=[round(v, 2) for v in (x1, y1, x2 - x1, y2 - y1)],
                    area=round((x2 - x1) * (y2 - y1), 2), iscrowd=0))
    with open(osp.join(out_dir, 'detections.json'), 'w',
              encoding='utf-8') as f:
        json.dump(coco, f, ensure_ascii=False)
    return coco
