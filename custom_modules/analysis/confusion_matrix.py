"""Which classes a detector confuses, and how often it fires on background
or misses an object, from the detections ``tools/test.py --out`` dumps.

Rows are the ground-truth classes plus "background" (detections that hit no
object), columns the predicted classes plus "background" (objects no
detection reached). The counting and the figure are mmdet's own
(``tools/analysis_tools/confusion_matrix.py``, shipped inside the mmdet
package under ``.mim/``); this module loads that file rather than copy it,
and gives it DetLab's config loading and one-line errors.
"""
import importlib.util
import os
import os.path as osp

import numpy as np

from ..errors import UserError


def _mmdet_tool():
    import mmdet
    path = osp.join(osp.dirname(mmdet.__file__), '.mim', 'tools',
                    'analysis_tools', 'confusion_matrix.py')
    spec = importlib.util.spec_from_file_location('_mmdet_confusion', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def confusion_matrix(config: str, dets: str, score_thr: float = 0.3,
                     tp_iou_thr: float = 0.5, cfg_options=None):
    """(matrix, class names with 'background' last) for the test split of
    ``config`` and the detections in ``dets`` (a tools/test.py --out .pkl)."""
    from mmengine.fileio import load
    from mmdet.registry import DATASETS
    from custom_modules.apis.config import import_plugins, load_config
    if not osp.isfile(dets):
        raise UserError(f'detections not found: {dets}; write them with '
                        'python tools/test.py CONFIG CKPT --out dets.pkl.')
    cfg = load_config(config, cfg_options)
    import_plugins(cfg)
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    results = load(dets)
    if len(results) != len(dataset):
        raise UserError(f'{dets} holds {len(results)} images but the test '
                        f'split of {config} has {len(dataset)}: dump them '
                        'with the same config.')
    tool = _mmdet_tool()
    matrix = tool.calculate_confusion_matrix(dataset, results, score_thr,
                                             None, tp_iou_thr)
    return matrix, tuple(dataset.metainfo['classes']) + ('background',)


def save_plot(matrix: np.ndarray, labels, out: str) -> str:
    """mmdet's figure (percentages per ground-truth row) as ``out``."""
    import matplotlib
    matplotlib.use('Agg')
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    tool = _mmdet_tool()
    save_dir = osp.dirname(osp.abspath(out))
    tool.plot_confusion_matrix(matrix.copy(), labels, save_dir=save_dir,
                               show=False)
    os.replace(osp.join(save_dir, 'confusion_matrix.png'), out)
    return out
