"""What ``tools/new_dataset.py`` does: a labelled folder -> data/NAME/ in
COCO format -> configs/NAME/<model>.py that train with no edit.

Each generated config inherits one embedded recipe (``configs/<model>.py``)
and changes only what the data decides: the dataset type and files, the
class names, ``num_classes`` in every head that predicts classes (all three
stages of a cascade, the mask head; never the class-agnostic RPN), the
work dir, and, with ``--pretrained``, the backbone's ImageNet weights.
"""
import datetime
import json
import os
import os.path as osp
import shutil
from typing import Dict, List, Optional, Sequence

from mmengine.config import Config

from ..datasets.converters.annotation_formats import read_folder
from ..datasets.converters.folder_to_coco import folder_to_coco
from ..errors import UserError
from .preflight import num_classes_paths

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = osp.join(REPO, 'configs')
BOX_MODELS = ('retinanet_r50_fpn', 'faster_rcnn_r50_fpn',
              'cascade_rcnn_r50_fpn', 'ssd300', 'ssd512', 'refinedet320',
              'refinedet512')
MASK_MODELS = ('mask_rcnn_r50_fpn', 'cascade_mask_rcnn_r50_fpn')

# torchvision's ImageNet files for the backbones of the embedded configs.
# Their tensor names are the ones mmdet's ResNet and (Norm)SSDVGG use, so
# the files load as they are; the classifier tensors are ignored.
TORCHVISION = {
    ('ResNet', 50): 'resnet50-0676ba61.pth',
    ('ResNet', 101): 'resnet101-63fe2227.pth',
    ('VGG', 16): 'vgg16-397923af.pth',
}
TORCHVISION_URL = 'https://download.pytorch.org/models/'


def slug(name: str) -> str:
    ok = all(c.isalnum() or c in '_-' for c in name) and name[:1].isalpha()
    if not ok or not name.isascii():
        raise UserError(f'--name {name!r} must start with a letter and hold '
                        'only ASCII letters, digits, _ and -: it names '
                        'data/NAME/ and configs/NAME/')
    return name


def _rel(path: str) -> str:
    """A path as a config should hold it: relative to the repo root (where
    the tools run) when inside it, else absolute."""
    path = osp.abspath(path)
    rel = osp.relpath(path, REPO)
    return path if rel.startswith('..') else rel


def num_classes_override(model_cfg, n: int):
    """The smallest ``model = dict(...)`` override that sets ``num_classes``
    to ``n`` in every classifying head. A list (the cascade's bbox heads)
    replaces its base's list when configs merge, so it is written whole."""
    override: dict = {}
    for path, _ in num_classes_paths(model_cfg):
        node, src = override, model_cfg
        for key in path.split('.')[1:]:
            src = src[key]
            if isinstance(src, (list, tuple)):
                node[key] = _set_num_classes(src, n)
                break
            node = node.setdefault(key, {})
        else:
            node['num_classes'] = n
    return override


def _set_num_classes(node, n):
    if isinstance(node, dict):
        return {k: (n if k == 'num_classes' else _set_num_classes(v, n))
                for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [_set_num_classes(v, n) for v in node]
    return node


class Name(str):
    """A variable of the config, written as its name, not as a string."""


def py(obj, indent: int = 0) -> str:
    """A config value as Python source in mmdet's ``dict(key=...)`` style:
    on one line when it fits in 79 columns, else one item per line."""
    flat = _py_flat(obj)
    if len(flat) + indent <= 72 or not isinstance(obj, (dict, list, tuple)):
        return flat
    pad = ' ' * (indent + 4)
    if isinstance(obj, dict):
        items = [f'{pad}{k}={py(v, indent + 4)}' for k, v in obj.items()]
        return 'dict(\n' + ',\n'.join(items) + ')'
    open_, close = ('[', ']') if isinstance(obj, list) else ('(', ')')
    return (f'{open_}\n' + ',\n'.join(pad + py(v, indent + 4) for v in obj)
            + close)


def _py_flat(obj) -> str:
    if isinstance(obj, Name):
        return str(obj)
    if isinstance(obj, dict):
        return 'dict(' + ', '.join(f'{k}={_py_flat(v)}'
                                   for k, v in obj.items()) + ')'
    if isinstance(obj, tuple):
        inner = ', '.join(_py_flat(v) for v in obj)
        return f'({inner},)' if len(obj) == 1 else f'({inner})'
    if isinstance(obj, list):
        return '[' + ', '.join(_py_flat(v) for v in obj) + ']'
    return repr(obj)


def backbone_weights(model_cfg, pretrained: Optional[str]):
    """``(init_cfg or None, header lines)`` for ``--pretrained``."""
    if pretrained in (None, 'none'):
        return None, ['The backbone starts from a random init (what the '
                      'embedded recipe does);',
                      'for real photos pass --pretrained torchvision or '
                      'a file.']
    backbone = model_cfg['backbone']
    kind = 'VGG' if 'VGG' in backbone['type'] else backbone['type']
    key = (kind, backbone.get('depth'))
    if pretrained == 'torchvision':
        if key not in TORCHVISION:
            raise UserError(f'no torchvision file is known for a {key[0]}-'
                            f'{key[1]} backbone; pass the file with '
                            '--pretrained PATH')
        name = TORCHVISION[key]
        path = osp.join('checkpoints', name)
        return dict(type='Pretrained', checkpoint=path), [
            f'ImageNet weights from torchvision: download {TORCHVISION_URL}'
            f'{name}', f'into checkpoints/ at the repo root ({path}).']
    if not osp.isfile(pretrained):
        raise UserError(f'--pretrained {pretrained}: no such file; give a '
                        'checkpoint path, torchvision or none')
    return (dict(type='Pretrained', checkpoint=_rel(pretrained),
                 **_prefix_of(pretrained)),
            [f'ImageNet weights from {_rel(pretrained)}.'])


def _prefix_of(path: str) -> dict:
    """A detector checkpoint stores its backbone under ``backbone.``;
    mmengine's Pretrained init takes that prefix."""
    sd = load_state_dict(path)
    if sd and all(k.startswith('backbone.') for k in sd
                  if not k.startswith(('neck.', 'bbox_head.', 'rpn_head.',
                                       'roi_head.', 'data_preprocessor.'))):
        return dict(prefix='backbone.')
    return {}


def load_state_dict(path: str) -> Dict:
    import torch
    try:
        ckpt = torch.load(path, map_location='cpu', weights_only=True)
    except Exception as err:  # noqa: BLE001 - any unreadable file
        raise UserError(f'cannot read {path} as a torch checkpoint: '
                        f'{type(err).__name__}: {err}') from None
    if isinstance(ckpt, dict) and isinstance(ckpt.get('state_dict'), dict):
        ckpt = ckpt['state_dict']
    if not isinstance(ckpt, dict):
        raise UserError(f'{path} holds a {type(ckpt).__name__}, not a '
                        'state dict')
    return ckpt


def check_backbone_weights(cfg: Config, init_cfg: dict) -> str:
    """Build the backbone and count the tensors the file fills (same name
    and shape): a file in the wrong layout fails here, in one line, and
    not as a silent random init hours later."""
    from mmdet.registry import MODELS
    from mmdet.utils import register_all_modules
    import custom_modules  # noqa: F401 - registers DetLab's backbones
    register_all_modules()
    path = init_cfg['checkpoint']
    path = path if osp.isabs(path) else osp.join(REPO, path)
    if not osp.isfile(path):
        return f'not checked: {init_cfg["checkpoint"]} is not there yet'
    sd = load_state_dict(path)
    prefix = init_cfg.get('prefix', '')
    sd = {k[len(prefix):]: v for k, v in sd.items() if k.startswith(prefix)}
    own = MODELS.build(cfg.model.backbone).state_dict()
    own = {k: v for k, v in own.items() if not k.endswith(
        'num_batches_tracked')}
    filled = [k for k, v in own.items()
              if k in sd and tuple(sd[k].shape) == tuple(v.shape)]
    if not filled:
        raise UserError(
            f'{init_cfg["checkpoint"]} fills none of the backbone\'s '
            f'{len(own)} tensors (it expects names like '
            f'{next(iter(own))}, the file has '
            f'{next(iter(sd), "nothing")}); give torchvision\'s file or an '
            'mmdet checkpoint of the same backbone')
    return f'{len(filled)} of {len(own)} backbone tensors filled from ' \
           f'{init_cfg["checkpoint"]}'


def render_config(model: str, name: str, data_dir: str, config_dir: str,
                  classes, src: str, fmt: str, counts: dict, init_cfg,
                  init_lines) -> str:
    base_path = osp.join(CONFIGS, f'{model}.py')
    base = Config.fromfile(base_path)
    override = num_classes_override(base.model, len(classes))
    if init_cfg:
        # Replaces the base's init_cfg (None: the embedded bases train from
        # scratch), which mmengine will not merge a dict into.
        override.setdefault('backbone', {})['init_cfg'] = dict(
            _delete_=True, **init_cfg)
        if base.model.backbone.type == 'ResNet':
            # mmdet's fine-tuning defaults for an ImageNet ResNet: the stem
            # and first stage keep their ImageNet filters, BN its statistics.
            override['backbone'].update(frozen_stages=1, norm_eval=True)
    data_root = _rel(data_dir).rstrip('/') + '/'
    dataset = dict(type='CocoDataset', data_root=Name('data_root'),
                   metainfo=Name('metainfo'),
                   data_prefix=dict(img='images/'))
    today = datetime.date.today().isoformat()
    header = [
        f'Written on {today} by tools/new_dataset.py (--name {name}) from',
        f'the {fmt} folder {osp.abspath(src)}:',
        f'{len(classes)} classes, {counts["train"]["images"]} train and '
        f'{counts["val"]["images"]} val images ({data_root}summary.json).',
        f'It is the embedded {model} recipe; the lines below are what this',
        'data changes.', *init_lines]
    lines = ['# ' + h for h in header]
    lines += [
        f"_base_ = '{_base_ref(base_path, config_dir)}'",
        f'work_dir = {py(f"work_dirs/{name}/{model}")}',
        f'data_root = {py(data_root)}',
        f'metainfo = dict(classes={py(tuple(classes), 16)})',
    ]
    for split in ('train', 'val'):
        ds = dict(dataset, ann_file=f'annotations/{split}.json')
        lines.append(f'{split}_dataloader = dict(dataset={py(ds, 4)})')
    lines += [
        'test_dataloader = val_dataloader',
        "val_evaluator = dict(ann_file=data_root + 'annotations/val.json')",
        'test_evaluator = val_evaluator',
        f'model = {py(override)}',
    ]
    return '\n'.join(lines) + '\n'


def _base_ref(base_path: str, config_dir: str) -> str:
    # configs/NAME/x.py inherits ../x.py; elsewhere (tests) by absolute path.
    return ('../' + osp.basename(base_path)
            if osp.dirname(osp.abspath(config_dir)) == CONFIGS else base_path)


def new_dataset(src: str, name: str, fmt: str = 'auto',
                val_fraction: float = 0.2, seed: int = 0,
                models: Optional[Sequence[str]] = None,
                pretrained: Optional[str] = None,
                data_dir: Optional[str] = None,
                config_dir: Optional[str] = None,
                force: bool = False) -> dict:
    """Convert ``src`` and write the configs; returns the summary dict that
    is also saved as ``data_dir/summary.json``."""
    name = slug(name)
    data_dir = data_dir or osp.join(REPO, 'data', name)
    config_dir = config_dir or osp.join(CONFIGS, name)
    for d in (data_dir, config_dir):
        if osp.isdir(d) and os.listdir(d) and not force:
            raise UserError(f'{d} already exists; pick another --name, or '
                            'pass --force to replace it')
    known = BOX_MODELS + MASK_MODELS
    unknown = [m for m in models or () if m not in known]
    if unknown:
        raise UserError(f'unknown model(s) {", ".join(unknown)}; choose '
                        f'from {", ".join(known)}')
    fmt, records = read_folder(src, fmt)
    if force:
        for sub in ('images', 'annotations'):
            shutil.rmtree(osp.join(data_dir, sub), ignore_errors=True)
    result = folder_to_coco(records, src, data_dir, val_fraction, seed)
    if models is None:
        models = BOX_MODELS + (MASK_MODELS if result['has_masks'] else ())
    elif not result['has_masks'] and set(models) & set(MASK_MODELS):
        raise UserError(f'{", ".join(set(models) & set(MASK_MODELS))} '
                        'need a polygon on every object, and this data has '
                        'boxes only; drop them from --models')
    os.makedirs(config_dir, exist_ok=True)
    written, weights = [], {}
    for model in models:
        base = Config.fromfile(osp.join(CONFIGS, f'{model}.py'))
        init_cfg, init_lines = backbone_weights(base.model, pretrained)
        text = render_config(model, name, data_dir, config_dir,
                             result['classes'], src, fmt, result['counts'],
                             init_cfg, init_lines)
        out = osp.join(config_dir, f'{model}.py')
        with open(out, 'w', encoding='utf-8') as f:
            f.write(text)
        if init_cfg:
            weights[model] = check_backbone_weights(Config.fromfile(out),
                                                    init_cfg)
        written.append(out)
    summary = dict(source=osp.abspath(src), format=fmt, **result,
                   configs=[_rel(p) for p in written], weights=weights)
    with open(osp.join(data_dir, 'summary.json'), 'w',
              encoding='utf-8') as f:
        json.dump(summary, f, indent=1, ensure_ascii=False)
    return summary


def summary_lines(summary: dict) -> List[str]:
    from ..datasets.validation import load_coco_json, validate_coco
    counts = summary['counts']
    lines = [f'{summary["format"]} folder {summary["source"]}: '
             f'{len(summary["classes"])} classes '
             f'({", ".join(summary["classes"])})',
             f'  train: {counts["train"]["images"]} images, '
             f'{counts["train"]["boxes"]} boxes; val: '
             f'{counts["val"]["images"]} images, {counts["val"]["boxes"]} '
             'boxes']
    for what, n in sorted(summary['stats'].items()):
        lines.append(f'  {n:5d}  {what}')
    for split, path in summary['ann_files'].items():
        img_dir = osp.join(osp.dirname(osp.dirname(path)), 'images')
        report = validate_coco(load_coco_json(path), path, img_dir)
        lines.append('  checked: ' + report.summary())
    for model, line in summary['weights'].items():
        lines.append(f'  {model}: {line}')
    lines.append('configs: ' + ' '.join(summary['configs']))
    first = summary['configs'][0]
    lines.append(f'next: python tools/train.py {first}')
    return lines
