"""Loading a config the way every DetLab tool does: file + CLI overrides,
checked before anything is built."""
import os.path as osp
from typing import Optional

from mmengine.config import Config

from . import preflight
from ..errors import UserError


def load_config(path: str, cfg_options: Optional[dict] = None,
                work_dir: Optional[str] = None) -> Config:
    preflight.check_config_path(path)
    try:
        cfg = Config.fromfile(path)
    except FileNotFoundError as err:
        raise UserError(f'cannot load config {path}: {err.filename} does not '
                        'exist; fix its _base_ entry (paths are relative to '
                        'the config file).') from None
    except TypeError as err:
        # mmengine refusing to merge a dict into a base's non-dict (e.g. an
        # init_cfg over the embedded bases' None); its message names the key
        # and the fix (_delete_=True).
        if 'cannot inherit from base' not in str(err):
            raise
        raise UserError(f'cannot load config {path}: {err}') from None
    except (SyntaxError, NameError, KeyError) as err:
        # A typo in a config file.
        raise UserError(f'cannot load config {path}: '
                        f'{type(err).__name__}: {err}') from None
    preflight.check_cfg_option_keys(cfg, cfg_options)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if work_dir:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('work_dirs',
                                osp.splitext(osp.basename(path))[0])
    return cfg


def import_plugins(cfg: Config) -> None:
    """Register mmdet's modules and the config's custom_imports, so that
    registry look-ups in the pre-flight checks see every component."""
    from mmdet.utils import register_all_modules
    from mmengine.utils import import_modules_from_strings
    register_all_modules(init_default_scope=True)
    if cfg.get('custom_imports'):
        import_modules_from_strings(**cfg.custom_imports)


def check_model(cfg: Config) -> None:
    preflight.check_component_kwargs(cfg.model)
    preflight.check_focal_gamma(cfg.model)
