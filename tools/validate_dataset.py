"""Check the train and val data of a config before spending hours on it.

    python tools/validate_dataset.py configs/retinanet_r50_fpn.py
    python tools/validate_dataset.py CONFIG --strict       # filtered = fail
    python tools/validate_dataset.py CONFIG --no-images    # skip decoding

Prints the count of each problem with its first examples and exits 0 when
training can use the data, 1 when it cannot.
"""
import argparse
import sys

from mmengine.config import DictAction

from custom_modules.apis.cli import user_errors_as_one_line


@user_errors_as_one_line
def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument('config')
    p.add_argument('--strict', action='store_true',
                   help='fail on problems that training would filter too')
    p.add_argument('--no-images', action='store_true',
                   help='do not open every image (existence is checked)')
    p.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = p.parse_args(argv)
    from custom_modules.apis.validate_dataset import validate_dataset
    lines, status = validate_dataset(args.config, strict=args.strict,
                                     check_images=not args.no_images,
                                     cfg_options=args.cfg_options)
    print('\n'.join(lines))
    return status


if __name__ == '__main__':
    sys.exit(main())
