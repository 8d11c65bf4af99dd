"""Save a grid of ground-truth samples as the model sees them.

    python tools/analysis/dataset_gallery.py configs/mask_rcnn_r50_fpn.py --out docs/images/shapes_gt.jpg
"""
import argparse
import os


from mmengine.config import DictAction

from custom_modules.apis.cli import user_errors_as_one_line


@user_errors_as_one_line
def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('config')
    p.add_argument('--out', default='work_dirs/dataset_gallery.jpg')
    p.add_argument('--num', type=int, default=6)
    p.add_argument('--split', choices=['train', 'val', 'test'],
                   default='train')
    p.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = p.parse_args(argv)
    from custom_modules.analysis.dataset_gallery import save_gallery
    from custom_modules.apis.config import import_plugins, load_config
    cfg = load_config(args.config, args.cfg_options)
    import_plugins(cfg)
    os.makedirs(os.path.dirname(args.out) or '.', exist_ok=True)
    print(save_gallery(cfg, args.out, args.num, args.split))


if __name__ == '__main__':
    main()
