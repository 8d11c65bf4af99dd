"""Checks run before a Runner is built, so that a user's mistake costs one
clear line instead of a traceback ten frames deep into mmengine.

Each check raises :class:`UserError` with what is wrong and how to fix it.
"""
import difflib
import inspect
import os
import os.path as osp
from typing import Iterable, List, Optional

from mmengine.config import Config

from ..errors import UserError

# Where each kind of dataset must live; matched on the dataset type.
DATA_HINTS = {
    'CocoDataset': 'download COCO 2017 (train2017, val2017 and annotations) '
                   'and unpack it as data/coco/{train2017,val2017,annotations}',
    'VOCDataset': 'download VOC2007 trainval+test and VOC2012 trainval and '
                  'unpack them as data/VOCdevkit/VOC2007 and '
                  'data/VOCdevkit/VOC2012',
}


def check_config_path(path: str) -> None:
    if not osp.isfile(path):
        hint = ''
        stem = osp.basename(path)
        root = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))),
                        '..', 'configs')
        known = [osp.relpath(osp.join(d, f), osp.join(root, '..'))
                 for d, _, fs in os.walk(root) for f in fs
                 if f.endswith('.py') and '_base_' not in d]
        close = difflib.get_close_matches(stem, [osp.basename(k) for k in known],
                                          n=1)
        if close:
            hint = ' Did you mean ' + next(
                k for k in known if osp.basename(k) == close[0]) + '?'
        raise UserError(f'config file not found: {path}.{hint} '
                        'Configs live under configs/, e.g. '
                        'configs/retinanet_r50_fpn.py.')


def check_work_dir(work_dir: str) -> None:
    """Logs and checkpoints must be writable before the first iteration,
    not after the first hour."""
    import tempfile
    try:
        os.makedirs(work_dir, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=work_dir):
            pass
    except OSError as err:
        raise UserError(f'work dir {work_dir} is not writable '
                        f'({err.strerror}); pass --work-dir with a directory '
                        'you can write to.') from None


def mmcv_ops_error() -> Optional[str]:
    """None if mmcv's compiled ops import, else what to tell the user."""
    try:
        import mmcv.ops  # noqa: F401
    except (ImportError, OSError) as err:
        return (f'mmcv is installed without its compiled ops ({err}). Run '
                '`make setup`, which builds mmcv 2.1.0 with MMCV_WITH_OPS=1; '
                'mmcv-lite cannot run RoIAlign or NMS.')
    return None


def check_mmcv_ops() -> None:
    error = mmcv_ops_error()
    if error:
        raise UserError(error)


def _get(cfg, dotted: str):
    node = cfg
    for part in dotted.split('.'):
        if isinstance(node, (list, tuple)) and part.isdigit():
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise KeyError(part)
    return node


def check_cfg_option_keys(cfg: Config, options: Optional[dict]) -> None:
    """Every --cfg-options key must name something the config has, or a
    constructor argument of the component it sits in (checked later by
    :func:`check_component_kwargs`). A typo would otherwise be added silently
    as a new key and the experiment would run without the intended change."""
    root = cfg._cfg_dict if isinstance(cfg, Config) else cfg
    for key in options or {}:
        parts = key.split('.')
        parent = root
        for depth, part in enumerate(parts[:-1]):
            try:
                parent = _get(parent, part)
            except KeyError:
                _unknown(cfg, '.'.join(parts[:depth + 1]), parent, part)
        leaf = parts[-1]
        if isinstance(parent, dict) and leaf in parent:
            _check_value_type(key, parent[leaf], options[key])
        # `_delete_` is mmengine's "replace, don't merge" marker.
        if not isinstance(parent, dict) or leaf in parent or \
                leaf == '_delete_':
            continue
        if 'type' not in parent:
            _unknown(cfg, key, parent, leaf)
        # A new key inside a component is fine if its class takes it; the
        # class is the one the same command line may be switching to.
        parent_path = '.'.join(parts[:-1])
        cls = resolve_type(options.get(f'{parent_path}.type', parent['type']))
        accepted = _accepted_kwargs(cls) if cls is not None else None
        if accepted is not None and leaf not in accepted:
            close = difflib.get_close_matches(leaf, sorted(accepted), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ''
            raise UserError(f"unknown config key '{key}'{hint}: "
                            f"{cls.__name__} takes no argument '{leaf}'.")


def _check_value_type(key: str, old, new) -> None:
    """A number or a flag in the config must stay one: DictAction turns
    what it cannot parse into a string, which mmengine would otherwise pass
    on until a loop compares it with an int ten frames deep. None stays
    allowed: it is how a config switches an option off (alpha=None)."""
    if new is None:
        return
    if isinstance(old, bool):
        expected = 'True or False'
        ok = isinstance(new, bool)
    elif isinstance(old, (int, float)):
        expected = 'a number'
        ok = isinstance(new, (int, float)) and not isinstance(new, bool)
    else:
        return
    if not ok:
        raise UserError(f'--cfg-options {key}={new!r}: {key} is '
                        f'{old!r} in the config and needs {expected}, e.g. '
                        f'{key}={old!r}.')


def resolve_type(type_):
    """The class a ``type=`` names, looked up in mmdet's registries (which
    fall back to mmengine's), or None when no registry knows it."""
    import inspect as _inspect
    if _inspect.isclass(type_):
        return type_
    from mmdet import registry as r
    for reg in (r.MODELS, r.TASK_UTILS, r.DATASETS, r.METRICS, r.LOOPS, r.HOOKS,
                r.OPTIM_WRAPPERS, r.OPTIMIZERS, r.PARAM_SCHEDULERS,
                r.TRANSFORMS, r.DATA_SAMPLERS, r.VISUALIZERS):
        try:
            cls = reg.get(type_)
        except KeyError:
            cls = None
        if cls is not None:
            return cls
    # RoI layers (RoIAlign, RoIPool) are looked up in mmcv.ops by name, not
    # through a registry.
    import mmcv.ops
    return getattr(mmcv.ops, type_, None) if isinstance(type_, str) else None


def _unknown(cfg, key, parent, part):
    options = list(parent.keys()) if isinstance(parent, dict) else []
    close = difflib.get_close_matches(part, options, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ''
    raise UserError(f"unknown config key '{key}'{hint}. Check the spelling "
                    'against the config printed by `python -c "from '
                    'mmengine import Config; print(Config.fromfile(PATH)'
                    '.pretty_text)"`.')


def _accepted_kwargs(cls) -> Optional[set]:
    """Constructor argument names of ``cls``, following ``**kwargs`` up the
    MRO as far as the classes forward them; None if anything goes."""
    names = set()
    for klass in cls.__mro__:
        if klass is object or '__init__' not in vars(klass):
            continue
        try:
            params = inspect.signature(klass.__init__).parameters
        except (TypeError, ValueError):
            return None
        names |= {n for n, p in params.items()
                  if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)}
        if not any(p.kind == p.VAR_KEYWORD for p in params.values()):
            return names
    return None


def check_component_kwargs(node, path: str = 'model') -> None:
    """Walk a model config and check every ``type=`` dict's keys against the
    registered class's constructor. Catches ``gama=2`` in a config file as
    well as on the command line."""
    if isinstance(node, (list, tuple)):
        for i, item in enumerate(node):
            check_component_kwargs(item, f'{path}.{i}')
        return
    if not isinstance(node, dict):
        return
    cls = None
    if isinstance(node.get('type'), str):
        cls = resolve_type(node['type'])
        if cls is None:
            raise UserError(f"unknown type '{node['type']}' at {path}: no "
                            'such class is registered. Check the spelling, '
                            'or add the module that defines it to '
                            'custom_imports.')
    elif inspect.isclass(node.get('type')):
        cls = node['type']
    if cls is not None:
        accepted = _accepted_kwargs(cls)
        if accepted is not None:
            for key in node:
                # _scope_: the registry scope mmengine tags an mmdet:: base
                # with; not an argument of the class.
                if key not in ('type', '_delete_', '_scope_') and \
                        key not in accepted:
                    close = difflib.get_close_matches(key, sorted(accepted),
                                                      n=1)
                    hint = f" (did you mean '{close[0]}'?)" if close else ''
                    raise UserError(
                        f"unknown config key '{path}.{key}'{hint}: "
                        f"{cls.__name__} takes no argument '{key}'.")
    for key, value in node.items():
        # *_cfg dicts are not constructor calls: train_cfg/test_cfg are read
        # by the heads, and norm_cfg/conv_cfg/act_cfg/init_cfg go through
        # builders that consume extra keys (requires_grad, layer, ...).
        if key.endswith('_cfg'):
            continue
        check_component_kwargs(value, f'{path}.{key}')


def _dicts(node, path: str):
    """Every dict of a config tree, with its dotted path (lists by index)."""
    if isinstance(node, (list, tuple)):
        for i, item in enumerate(node):
            yield from _dicts(item, f'{path}.{i}')
    elif isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _dicts(value, f'{path}.{key}')


def check_focal_gamma(node, path: str = 'model') -> None:
    """mmdet's ``FocalLoss`` with 0 < gamma < 1 trains for a while on a CPU
    and then turns every weight into NaN (its gradient is infinite where a
    sigmoid rounds to 1; models/losses/stable_focal_loss.py). Say so before
    the run, with the one-word fix. On a GPU mmcv's kernel is stable."""
    import torch
    if torch.cuda.is_available():
        return
    for where, d in _dicts(node, path):
        gamma = d.get('gamma', 2.0)
        if d.get('type') in ('FocalLoss', 'mmdet.FocalLoss') and \
                isinstance(gamma, (int, float)) and 0 < gamma < 1:
            raise UserError(
                f"{where} is mmdet's FocalLoss with gamma={gamma}: on a CPU "
                'its gradient becomes NaN for 0 < gamma < 1. Use DetLab\'s '
                'StableFocalLoss (the same loss from the logits): '
                f'--cfg-options {where}.type=StableFocalLoss')


def leaf_datasets(ds_cfg) -> Iterable[dict]:
    """Leaf dataset configs, looking through Repeat/Concat/ClassBalanced."""
    if isinstance(ds_cfg, (list, tuple)):
        for d in ds_cfg:
            yield from leaf_datasets(d)
    elif isinstance(ds_cfg, dict):
        if 'datasets' in ds_cfg:
            yield from leaf_datasets(ds_cfg['datasets'])
        elif 'dataset' in ds_cfg:
            yield from leaf_datasets(ds_cfg['dataset'])
        else:
            yield ds_cfg


def check_datasets(cfg: Config, loaders: List[str]) -> None:
    from mmdet.registry import DATASETS
    for loader in loaders:
        loader_cfg = cfg.get(loader)
        if not loader_cfg:
            continue
        classes = None  # of the first leaf dataset: what the heads predict
        for ds in leaf_datasets(loader_cfg.get('dataset')):
            dtype = ds.get('type', '')
            cls = DATASETS.get(dtype) if isinstance(dtype, str) else dtype
            classes = classes or dataset_classes(ds, cls)
            # Datasets that generate themselves (the embedded shapes) need
            # nothing on disk.
            if cls is not None and ds.get('generate_if_missing', True) and \
                    'generate_if_missing' in (_accepted_kwargs(cls) or ()):
                continue
            root = ds.get('data_root', '') or ''
            hint = next((h for base, h in DATA_HINTS.items() if cls is not None
                         and base in [c.__name__ for c in cls.__mro__]),
                        'put the dataset there')
            fix = (f'{hint}, or point the config at your copy with '
                   f'--cfg-options {loader}.dataset.data_root=/path/to/data/')
            if root and not osp.isdir(root):
                raise UserError(f'dataset directory not found: {root} '
                                f'(needed by {loader}): {fix}.')
            ann = ds.get('ann_file')
            if ann:
                ann_path = ann if osp.isabs(ann) else osp.join(root, ann)
                if not osp.isfile(ann_path):
                    raise UserError(f'annotation file not found: {ann_path} '
                                    f'(needed by {loader}): {fix}.')
                if ann_path.endswith('.json'):
                    check_annotation_json(ann_path, dataset_classes(ds, cls))
        if loader == 'train_dataloader' and classes:
            check_num_classes(cfg.get('model', {}), len(classes))


# Files larger than this are only checked for truncation (their last byte):
# parsing COCO's 450 MB train json twice would double the start-up time.
FULL_PARSE_BYTES = 64 << 20


def check_annotation_json(path: str, classes=None) -> None:
    """The file parses, and every class the config trains on is one of its
    categories (mmdet maps classes to category ids by name and would train
    a missing class on nothing, silently). Filterable problems (degenerate
    boxes and the like) get one warning line with their counts."""
    if osp.getsize(path) > FULL_PARSE_BYTES:
        with open(path, 'rb') as f:
            f.seek(-64, os.SEEK_END)
            if not f.read().rstrip().endswith(b'}'):
                raise UserError(f'annotation file {path} is truncated (it '
                                'does not end with "}"): copy or convert it '
                                'again.')
        return
    from custom_modules.datasets.validation import (load_coco_json,
                                                    validate_coco)
    data = load_coco_json(path)
    names = [c.get('name') for c in data.get('categories', [])]
    missing = [c for c in classes or () if c not in names]
    if missing:
        raise UserError(f'classes {missing} of the config are not categories '
                        f'of {path} (it has {names}); set the dataset\'s '
                        'metainfo=dict(classes=...) to names from the file.')
    report = validate_coco(data, path)
    report.counts.pop('image_without_boxes', None)
    if report.counts:
        from mmengine.logging import print_log
        print_log(f'warning: {report.summary()}. '
                  '`python tools/validate_dataset.py CONFIG` lists them and '
                  'what training does with each.',
                  logger='current', level=30)


def dataset_classes(ds: dict, cls) -> Optional[tuple]:
    meta = ds.get('metainfo') or {}
    if meta.get('classes'):
        return tuple(meta['classes'])
    return tuple((getattr(cls, 'METAINFO', None) or {}).get('classes', ())) \
        or None


def num_classes_paths(node, path='model'):
    if isinstance(node, dict):
        for key, value in node.items():
            # The RPN is class-agnostic: its num_classes is always 1.
            if key == 'num_classes' and 'rpn' not in path:
                yield path, value
            elif key not in ('train_cfg', 'test_cfg', 'init_cfg'):
                yield from num_classes_paths(value, f'{path}.{key}')
    elif isinstance(node, (list, tuple)):
        for i, value in enumerate(node):
            yield from num_classes_paths(value, f'{path}.{i}')


def check_num_classes(model_cfg: dict, n_classes: int) -> None:
    """Every head predicts as many classes as the training set has: the
    most reported MMDetection failure ("Class values must be smaller than
    num_classes") is this mismatch, found deep inside the first loss."""
    for path, value in num_classes_paths(model_cfg):
        if value != n_classes:
            raise UserError(f'{path}.num_classes is {value} but the training '
                            f'set has {n_classes} classes; set it to '
                            f'{n_classes} (--cfg-options {path}.num_classes='
                            f'{n_classes}) in every head.')


def _pretrained_paths(node, path='model'):
    if isinstance(node, dict):
        init = node.get('init_cfg')
        inits = init if isinstance(init, (list, tuple)) else [init]
        for i in inits:
            if isinstance(i, dict) and i.get('type') == 'Pretrained':
                yield f'{path}.init_cfg', i.get('checkpoint')
        for k, v in node.items():
            if k != 'init_cfg':
                yield from _pretrained_paths(v, f'{path}.{k}')
    elif isinstance(node, (list, tuple)):
        for i, v in enumerate(node):
            yield from _pretrained_paths(v, f'{path}.{i}')


def check_pretrained(cfg: Config, resume: bool = False) -> None:
    """Local pretrained files must exist. URLs are left to mmengine, which
    downloads them when the machine is online (and fails offline; the CLIs
    turn that failure into one line too)."""
    if resume:
        return  # the checkpoint being resumed holds all the weights
    for where, ckpt in _pretrained_paths(cfg.get('model', {})):
        if not ckpt or '://' in ckpt:
            continue
        if not osp.isfile(ckpt):
            raise UserError(
                f'pretrained weights not found: {ckpt} ({where}). This '
                f'config starts from ImageNet weights: put the file '
                f'{osp.basename(ckpt)} at {ckpt} (the config\'s header says '
                f'where it comes from), or train from scratch with '
                f'--cfg-options {where}=None.')
    load_from = cfg.get('load_from')
    if load_from and '://' not in load_from and not osp.isfile(load_from):
        raise UserError(f'load_from checkpoint not found: {load_from}. Fix '
                        'the path or pass --cfg-options load_from=None.')
