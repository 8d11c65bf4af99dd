"""DetailedCocoMetric: COCO evaluation that returns every number it computes.

mmdet's CocoMetric runs pycocotools correctly but hands back its numbers
rounded to three decimals, and its per-class APs come back under one key per
class name, so with ``metric=['bbox', 'segm']`` the mask APs silently
overwrite the box APs. Research use needs the full-precision values of both.

This metric reuses CocoMetric for everything up to the result files (so
predictions are converted exactly as in mmdet) and then runs pycocotools'
COCOeval itself, returning for each iou type ``<type>_mAP``, ``_mAP_50``,
``_mAP_75``, ``_mAP_s/m/l`` (unrounded, same names as mmdet) and the per-class
``<type>_AP_<class>``, ``<type>_AP50_<class>`` and ``<type>_AP75_<class>``.
"""
import os.path as osp
import tempfile
from collections import OrderedDict
from typing import Dict

import numpy as np
from mmengine.fileio import load
from mmengine.logging import MMLogger
from mmdet.datasets.api_wrappers import COCO, COCOeval
from mmdet.evaluation import CocoMetric
from mmdet.registry import METRICS

# Positions of the summary statistics in COCOeval.stats.
_STAT_INDEX = dict(mAP=0, mAP_50=1, mAP_75=2, mAP_s=3, mAP_m=4, mAP_l=5)


def per_class_ap(coco_eval: COCOeval, cls_index: int, iou_index=None):
    """AP of one class from COCOeval's precision array, over all areas and
    the largest max-dets setting; ``iou_index`` None averages IoU .5:.95."""
    # precision: [iou thresholds, recall points, classes, areas, max dets]
    precision = coco_eval.eval['precision']
    p = precision[:, :, cls_index, 0, -1] if iou_index is None else \
        precision[iou_index, :, cls_index, 0, -1]
    p = p[p > -1]
    return float(np.mean(p)) if p.size else float('nan')


@METRICS.register_module()
class DetailedCocoMetric(CocoMetric):

    def compute_metrics(self, results: list) -> Dict[str, float]:
        logger = MMLogger.get_current_instance()
        gts, preds = zip(*results)
        tmp_dir = tempfile.TemporaryDirectory()
        prefix = self.outfile_prefix or osp.join(tmp_dir.name, 'results')
        if self._coco_api is None:
            self._coco_api = COCO(self.gt_to_coco_json(gts, prefix))
        if self.cat_ids is None:
            self.cat_ids = self._coco_api.get_cat_ids(
                cat_names=self.dataset_meta['classes'])
        if self.img_ids is None:
            self.img_ids = self._coco_api.get_img_ids()
        result_files = self.results2json(preds, prefix)
        out = OrderedDict()
        if self.format_only:
            tmp_dir.cleanup()
            return out
        for metric in self.metrics:
            dets = load(result_files[metric])
            if not dets:
                logger.warning(f'{metric}: no detections at all; AP is 0.')
                out.update({f'{metric}_{k}': 0.0 for k in _STAT_INDEX})
                continue
            if metric == 'segm':
                # Without this, pycocotools takes instance areas from the
                # boxes and the small/medium/large split of mask AP is wrong.
                for d in dets:
                    d.pop('bbox', None)
            coco_eval = COCOeval(self._coco_api,
                                 self._coco_api.loadRes(dets), metric)
            coco_eval.params.catIds = self.cat_ids
            coco_eval.params.imgIds = self.img_ids
            coco_eval.params.maxDets = list(self.proposal_nums)
            coco_eval.params.iouThrs = self.iou_thrs
            coco_eval.evaluate()
            coco_eval.accumulate()
            coco_eval.summarize()
            for name, idx in _STAT_INDEX.items():
                out[f'{metric}_{name}'] = float(coco_eval.stats[idx])
            for k, cat_id in enumerate(self.cat_ids):
                cls = self._coco_api.loadCats(cat_id)[0]['name']
                out[f'{metric}_AP_{cls}'] = per_class_ap(coco_eval, k)
                out[f'{metric}_AP50_{cls}'] = per_class_ap(coco_eval, k, 0)
                out[f'{metric}_AP75_{cls}'] = per_class_ap(coco_eval, k, 5)
        tmp_dir.cleanup()
        return out
