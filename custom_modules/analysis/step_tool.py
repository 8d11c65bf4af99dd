"""The command line shared by the tools that walk a trained detector's boxes
through its refinement steps (``refinedet_cascade``, ``cascade_stages``).

Each such analysis module offers ``build(config, checkpoint, cfg_options)``,
``measure(model, loader, max_images, image_index) -> (summary, shown)`` and
``render_markdown(summary, env, cmd, title, image)``; this module turns
that into the tool's arguments, its default weights (the benchmark's
checkpoint) and the page and picture it writes, so that the two tools
differ only in what they measure.
"""
import argparse
import os
import os.path as osp
from typing import Callable, Dict, List, Optional, Tuple


def add_arguments(parser: argparse.ArgumentParser, page: str) -> None:
    """The walk-through tools' arguments; ``page`` names the default
    outputs docs/PAGE.md and docs/images/PAGE.png."""
    from mmengine.config import DictAction
    parser.add_argument('config')
    parser.add_argument('checkpoint', nargs='?',
                        help="default: the config's benchmark checkpoint "
                        '(work_dirs/benchmark/NAME), else its initial '
                        'weights')
    parser.add_argument('--max-images', type=int,
                        help='only the first N val images')
    parser.add_argument('--image-index', type=int, default=0,
                        help='which val image the picture shows')
    parser.add_argument('--out', default=f'docs/{page}.md')
    parser.add_argument('--image-out', default=f'docs/images/{page}.png')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        metavar='KEY=V')


def run(args: argparse.Namespace, analysis, tool: str,
        draw: Callable[[object, Dict, str], object]
        ) -> Tuple[Dict, List[str]]:
    """Measure with ``analysis`` (a module, see above), write the page and
    the picture (``draw(model, shown, path)``), and return the summary and
    the paths written. The command recorded on the page is the one that
    reproduces it.
    """
    from custom_modules import reporting
    from custom_modules.apis import benchmark as bench
    ckpt = args.checkpoint or bench.benchmark_checkpoint(args.config)
    model, loader = analysis.build(args.config, ckpt, args.cfg_options)
    summary, shown = analysis.measure(model, loader, args.max_images,
                                      args.image_index)
    image: Optional[str] = None
    if shown is not None and args.image_out:
        os.makedirs(osp.dirname(args.image_out) or '.', exist_ok=True)
        draw(model, shown, args.image_out)
        image = osp.relpath(args.image_out, osp.dirname(args.out) or '.')
    cmd = f'python {tool} {args.config}'
    if args.checkpoint:
        cmd += f' {args.checkpoint}'
    if args.max_images:
        cmd += f' --max-images {args.max_images}'
    name = osp.splitext(osp.basename(args.config))[0]
    title = f"{name}, {'trained weights' if ckpt else 'initial weights'}"
    reporting.write_page(args.out, analysis.render_markdown(
        summary, reporting.environment(), cmd, title, image))
    return summary, [args.out] + ([args.image_out] if image else [])
