"""The zoo benchmark: train every embedded config for its full schedule,
time its inference, and write the leaderboard to docs/benchmarks.md.

Training goes through the sweep's runner (custom_modules/sweep/launch.py):
each config and seed is a run dir with its config.py, trained by
tools/train.py with ``--resume``, so the benchmark is resumable at two
levels: finished runs (DONE) are skipped, and an interrupted one continues
from its last checkpoint.
Inference is timed afterwards for all configs in one process, on the same
images at batch size 1, so the ms/img column compares like with like.
What a config trains and its fingerprint live in recipe.py; the committed
record and the README table drawn from it, in zoo_record.py.
"""
import glob
import json
import os
import os.path as osp
import statistics
import time
from typing import (Callable, Dict, List, NamedTuple, Optional, Sequence,
                    Tuple)

from custom_modules.engine.metrics_recorder_hook import read_val_records
from custom_modules.reporting import machine_table, markdown_table, percent
from .recipe import REPO, max_iters_of, recipe_fingerprint
from .zoo_record import (load_record, merge_with_record, recorded_finished,
                         refresh_readme, save_record)


def is_trained(work_dir: str, max_iters: int) -> bool:
    """DONE, as for every run (apis/train.py); runs trained before DONE
    existed count when they validated at their last iteration."""
    from .train import finished
    records = read_val_records(work_dir)
    return finished(work_dir) or any(r.get('iter') == max_iters
                                     for r in records)


class TrainJob(NamedTuple):
    """One training run of the zoo: a config, where it trains, and the seed
    (None: the config's own ``randomness.seed``)."""
    config: str
    work_dir: str
    seed: Optional[int] = None

    @property
    def label(self) -> str:
        return self.config if self.seed is None \
            else f'{self.config} seed={self.seed}'


def seed_job(config: str, work_dir: str, seed: Optional[int],
             own_seed: Optional[int]) -> TrainJob:
    """Where each seed of a config trains. The config's own seed is the
    leaderboard's run, WORK_DIR itself, so adding seeds later never moves
    or retrains it; every other seed trains in WORK_DIR/seed=<s> with
    ``randomness.seed`` overridden (the run id tools/sweep.py gives seeds)."""
    if seed is None or seed == own_seed:
        return TrainJob(config, work_dir)
    return TrainJob(config, osp.join(work_dir, f'seed={seed}'), seed)


def plan_jobs(configs: List[str], work: Dict[str, str], seeds: List,
              own: Dict[str, Optional[int]], record: Dict[str, dict],
              retrain: bool = False
              ) -> List[Tuple[TrainJob, Optional[str]]]:
    """Every (job, reason) of a zoo run, ``reason`` saying why it is not
    trained: 'trained' (its work dir is done), 'recorded' (the record holds
    it finished with the config's present recipe, and this machine has not
    begun it: a run begun here resumes, since its work dir is what the page
    shows), or None for a job to train. Seed by seed, every config of a
    seed before the next seed: a study cut short then holds complete pairs
    (seed s of both arms), which is what paper_claims compares."""
    planned = []
    for seed in seeds:
        for c in configs:
            job = seed_job(c, work[c], seed, own[c])
            if is_trained(job.work_dir, max_iters_of(c)):
                reason = 'trained'
            elif not (retrain or read_val_records(job.work_dir)) \
                    and recorded_finished(record, c, job.seed, own[c]):
                reason = 'recorded'
            else:
                reason = None
            planned.append((job, reason))
    return planned


def train_jobs(jobs: List[TrainJob], parallel: int = 1,
               progress: bool = True,
               on_finish: Optional[Callable[[str, str], None]] = None
               ) -> Dict[str, str]:
    """Train the jobs as the runs of a sweep: each job's config (with its
    seed) is dumped into its work dir and trained by the sweep's runner,
    ``parallel`` at a time with the cores split between them, resumed from
    its last checkpoint and skipped once DONE (``on_finish``: the runner's
    call after each run). Returns each job's status ('done', 'failed', or
    'busy ...' when another process holds its work dir) by its label."""
    from custom_modules.sweep import launch
    from .config import load_config
    for job in jobs:
        cfg = load_config(job.config, None if job.seed is None
                          else {'randomness.seed': job.seed})
        os.makedirs(job.work_dir, exist_ok=True)
        with open(osp.join(job.work_dir, launch.CONFIG), 'w') as f:
            f.write(launch.config_text(cfg))
    launch.prepare_datasets([osp.join(j.work_dir, launch.CONFIG)
                             for j in jobs])
    result = launch.run_sweep([j.work_dir for j in jobs],
                              launch.plan_resources(workers=parallel),
                              progress=progress, on_finish=on_finish)
    ok = set(result['done'] + result['skipped'])
    busy = set(result.get('busy', []))
    return {j.label: 'done' if j.work_dir in ok else
            'busy (another process trains it)' if j.work_dir in busy
            else 'failed' for j in jobs}


def last_checkpoint(work_dir: str) -> Optional[str]:
    marker = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(marker):
        return None
    with open(marker) as f:
        path = f.read().strip()
    return path if osp.isfile(path) else None


def needs_timing(work_dir: str, checkpoint: str) -> bool:
    """Whether a trained run lacks an inference time for its current
    weights. A benchmark run that only trains more seeds, or one config,
    must not retake the other rows' times on whatever load the machine has
    then: every ms in the leaderboard stays from the sitting it was taken
    in, until the weights change or ``--no-train`` asks to retake them."""
    timing = osp.join(work_dir, 'inference_timing.json')
    return not osp.isfile(timing) or \
        osp.getmtime(timing) < osp.getmtime(checkpoint)


def benchmark_checkpoint(config: str,
                         root: str = osp.join('work_dirs', 'benchmark')
                         ) -> Optional[str]:
    """The last checkpoint that ``tools/benchmark_zoo.py`` left for
    ``config`` (under ROOT/<config name>), or None if it is not trained:
    the weights the analysis tools use when no checkpoint is given."""
    name = osp.splitext(osp.basename(config))[0]
    return last_checkpoint(osp.join(root, name))


def build_for_timing(config: str, checkpoint: Optional[str], count: int,
                      fuse_conv_bn: bool = False, channels_last: bool = False):
    from mmengine.dataset import pseudo_collate
    from mmengine.runner import load_checkpoint
    from mmdet.registry import DATASETS, MODELS

    from . import preflight
    from .config import import_plugins, load_config
    cfg = load_config(config)
    import_plugins(cfg)
    # COCO/VOC configs: one line saying where the data goes, not a
    # FileNotFoundError from deep inside the dataset class.
    preflight.check_datasets(cfg, ['test_dataloader'])
    model = MODELS.build(cfg.model)
    if checkpoint:
        load_checkpoint(model, checkpoint, map_location='cpu',
                        logger='silent')
    else:
        model.init_weights()
    model.eval()
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    samples = [pseudo_collate([dataset[i]])
               for i in range(min(count, len(dataset)))]
    if fuse_conv_bn:
        from custom_modules.models.utils import fold_batch_norms
        fold_batch_norms(model, lambda: model.test_step(samples[0]))
    if channels_last:
        # After folding: the folded convs get new weights, in NCHW.
        from custom_modules.engine.channels_last_hook import to_channels_last
        to_channels_last(model)
    return model, samples


def time_inference_interleaved(configs: List[str],
                               checkpoints: List[Optional[str]],
                               num_images: int = 50,
                               warmup: int = 5,
                               fuse_conv_bn: bool = False,
                               threads: Optional[int] = None,
                               channels_last: bool = False
                               ) -> List[Dict[str, float]]:
    """Median and mean ms per image of ``model.test_step`` at batch size 1,
    data loading excluded, on the first ``num_images`` val images.

    All models live in one process and take turns image by image, so a
    burst of load on a shared machine slows every model alike and the
    ratios stay meaningful. With a checkpoint of None a model keeps its
    initialisation: the network costs the same, but untrained scores pass
    more boxes to NMS, so its time is an upper bound. ``fuse_conv_bn``
    folds every BatchNorm into the convolution before it, in every model
    alike, as a deployed network would run (models/utils/fold_batch_norm.py);
    ``channels_last`` puts every model's weights, and so its activations, in
    NHWC (engine/channels_last_hook.py). ``threads`` pins torch's intra-op
    threads (default: torch's own choice, all cores); the ratio between two models depends on it, because their
    layers do not all parallelise alike. Each result also keeps its
    per-image times (``ms``), in image order, for ``paired_ratio``.
    """
    import torch
    if threads:
        torch.set_num_threads(threads)
    built = [build_for_timing(c, k, num_images + warmup, fuse_conv_bn,
                               channels_last)
             for c, k in zip(configs, checkpoints)]
    times = [[] for _ in configs]
    n = min(len(samples) for _, samples in built)
    # A split smaller than warm-up + timed images gives up warm-up first:
    # every image it has is timed, up to num_images.
    warmup = n - min(num_images, n)
    with torch.no_grad():
        for i in range(n):
            for j, (model, samples) in enumerate(built):
                t0 = time.perf_counter()
                model.test_step(samples[i])
                if i >= warmup:
                    times[j].append((time.perf_counter() - t0) * 1000)
    return [dict(ms_median=statistics.median(t), ms_mean=statistics.fmean(t),
                 images=len(t), torch_threads=torch.get_num_threads(), ms=t)
            for t in times]


def paired_ratio(base_ms: List[float], other_ms: List[float],
                 resamples: int = 2000, seed: int = 0
                 ) -> Dict[str, float]:
    """How many times slower ``other`` is than ``base``, image by image.

    The interleaved timing runs both models on image i back to back, so a
    burst of load on a shared machine lands on both halves of the pair. The
    median of the per-image ratios therefore scatters less than the ratio
    of two medians, and a bootstrap over the images (resampling whole pairs)
    says how far it could move with other images: the 95% interval is the
    2.5th to 97.5th percentile of the resampled medians. That interval, not
    one number, is what to hold against a bound such as RefineDet's 1.2x.
    """
    import numpy as np
    if len(base_ms) != len(other_ms) or not base_ms:
        raise ValueError('paired_ratio needs two equally long, non-empty '
                         f'lists of per-image times, got {len(base_ms)} and '
                         f'{len(other_ms)}')
    ratios = np.asarray(other_ms, float) / np.asarray(base_ms, float)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(ratios), size=(resamples, len(ratios)))
    medians = np.median(ratios[picks], axis=1)
    low, high = np.percentile(medians, [2.5, 97.5])
    return dict(median=float(np.median(ratios)), ci_low=float(low),
                ci_high=float(high))


def time_inference(config: str, checkpoint: Optional[str],
                   num_images: int = 50, warmup: int = 5) -> Dict[str, float]:
    return time_inference_interleaved([config], [checkpoint], num_images,
                                      warmup)[0]


def time_trained(configs: List[str], work: Dict[str, str],
                 retime: bool = False, num_images: int = 50
                 ) -> Dict[str, Dict[str, float]]:
    """Time inference of each config trained to its last iteration whose
    weights have no time yet (all of them with ``retime``), and keep each
    time beside its weights (WORK_DIR/inference_timing.json)."""
    timings = {}
    for c in configs:
        ckpt = last_checkpoint(work[c])
        if ckpt and is_trained(work[c], max_iters_of(c)) \
                and (retime or needs_timing(work[c], ckpt)):
            timings[c] = time_inference(c, ckpt, num_images)
            with open(osp.join(work[c], 'inference_timing.json'), 'w') as f:
                json.dump(timings[c], f)
    return timings


def _label(row: dict) -> str:
    """A row's name, starred when its numbers come from the record."""
    return row['name'] + (' *' if row.get('recorded') else '')


def render_markdown(rows: List[dict], env: Dict[str, str],
                    command: str, notes: Optional[str] = None,
                    seed_rows: Optional[List[dict]] = None,
                    plot: Optional[str] = None,
                    record: str = 'docs/benchmark_results.json') -> str:
    """The leaderboard page (rows marked ``recorded`` come from ``record``). ``notes`` is the link (relative to the page) of
    the analysis written by people -- what the numbers mean, what limits
    them -- which lives in its own file, so that rerunning the benchmark
    refreshes the numbers without touching it, and the two are never
    copies of each other."""
    lines = [
        '# Benchmarks', '',
        'Produced by `' + command + '` (tools/benchmark_zoo.py); rerun it '
        'to reproduce or extend. Every config trains from a random init on '
        'the embedded shapes dataset (1000 train / 200 val images), on the '
        'machine below; AP is COCO AP on the val split, in %.', '',
        *machine_table(env), '',
        '## Leaderboard', '',
    ]
    board = []
    for r in rows:
        g = (r.get('metrics') or {}).get
        minutes = r.get('train_minutes')
        ms = r.get('ms_median')
        cells = [_label(r), f"{r.get('iter', '–')}/{r['max_iters']}"]
        cells += [percent(g(f'coco/bbox_{k}')) for k in
                  ('mAP', 'mAP_50', 'mAP_75', 'mAP_s', 'mAP_m', 'mAP_l')]
        # The path says what the minutes mean: the same run takes 3x longer
        # in fp32 on AVX2 than in bf16 on AVX512-BF16.
        path = f" ({r['compute_path']})" if r.get('compute_path') else ''
        cells += [percent(g('coco/segm_mAP')),
                  '–' if minutes is None else f'{minutes:.1f}{path}',
                  '–' if ms is None else f'{ms:.0f}']
        board.append(cells)
    lines += markdown_table(
        ['config', 'iters', 'AP', 'AP50', 'AP75', 'APs', 'APm', 'APl',
         'mask AP', 'train min', 'infer ms/img (median)'], board)
    if any(r.get('recorded') for r in rows):
        lines += ['', '\\* from the record of earlier runs '
                  f'({record}): this machine has no work dir for the config, '
                  'so its numbers are those of the machine that last '
                  'trained it.']
    lines += ['', *render_seed_table(seed_rows or []),
              '## AP against training minutes', '',
              'One row per validation during training (every '
              '`val_interval` iterations). Minutes are each run\'s own '
              'training wall-clock, validation excluded: one core per run '
              'for configs trained side by side (`--jobs 2`), the whole '
              'machine otherwise.', '',
              *([f'![AP against training minutes]({plot})', '']
                if plot else []),
              *markdown_table(
                  ['config', 'iter', 'train min', 'AP', 'AP50', 'AP75'],
                  [[r['name'], rec['iter'], f"{rec['train_seconds'] / 60:.1f}",
                    percent(rec.get('coco/bbox_mAP')),
                    percent(rec.get('coco/bbox_mAP_50')),
                    percent(rec.get('coco/bbox_mAP_75'))]
                   for r in rows for rec in r.get('curve', [])])]
    if notes:
        lines += ['', f'What these numbers mean and what limits them: '
                  f'[{osp.basename(notes)}]({notes}).']
    return '\n'.join(lines) + '\n'


def plot_curves(rows: List[dict], path: str,
                budget_minutes: Optional[float] = 20.0) -> Optional[str]:
    """AP against training minutes, one line per config, from the same
    validation records as the page's curve table: where each detector is
    after a given amount of this machine's time, the comparison a reader
    with a fixed budget needs. The x axis is logarithmic because the zoo's
    runs differ by an order of magnitude in length; the dashed line is the
    demo's 20-minute budget.
    Returns the path, or None when no config has validated yet."""
    curves = [r for r in rows if r.get('curve')]
    if not curves:
        return None
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    for r in curves:
        minutes = [rec['train_seconds'] / 60 for rec in r['curve']]
        ap = [100 * (rec.get('coco/bbox_mAP') or 0) for rec in r['curve']]
        unfinished = r['curve'][-1]['iter'] < r['max_iters']
        line, = ax.plot(minutes, ap, marker='o', markersize=3,
                        linestyle='--' if unfinished else '-',
                        label=r['name'] + (' (training)' if unfinished
                                           else ''))
        ax.annotate(f'{ap[-1]:.1f}', (minutes[-1], ap[-1]), fontsize=7,
                    xytext=(3, 0), textcoords='offset points',
                    color=line.get_color(), va='center')
    if budget_minutes:
        ax.axvline(budget_minutes, color='grey', linestyle=':', linewidth=1)
        ax.text(budget_minutes, ax.get_ylim()[1], f' {budget_minutes:g} min',
                fontsize=7, color='grey', va='top')
    ax.set_xscale('log')
    ax.set_xlabel('training minutes on this machine (log scale)')
    ax.set_ylabel('COCO box AP on val (%)')
    ax.set_title('AP against training minutes, from a random init')
    ax.grid(True, which='both', alpha=0.3)
    ax.legend(fontsize=7, loc='upper left')
    fig.tight_layout()
    os.makedirs(osp.dirname(path) or '.', exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def top_level_configs(repo: str = None) -> List[str]:
    """The embedded configs, configs/*.py, relative to the repo root."""
    repo = repo or REPO
    return sorted(osp.relpath(c, repo) for c in
                  glob.glob(osp.join(repo, 'configs', '*.py')))


def leaderboard_configs(selected: List[str], repo: str = None,
                        recorded: Sequence[str] = ()) -> List[str]:
    """The configs that the page lists: every top-level config of the repo,
    every config of the committed record that still exists (``recorded``:
    the studies' light twins trained by earlier zoos), plus any selected.
    ``--configs`` picks what to train, not what to show, so that training
    two configs does not erase the rows of the others (their numbers are
    re-read from their work dirs, or the record)."""
    repo = repo or REPO
    kept = {c for c in recorded if osp.isfile(osp.join(repo, c))}
    return sorted(set(top_level_configs(repo)) | kept | set(selected),
                  key=lambda c: (osp.basename(c), c))


def collect_row(config: str, work_dir: str) -> dict:
    name = osp.splitext(osp.basename(config))[0]
    curve = read_val_records(work_dir)
    row = dict(name=name, config=config, max_iters=max_iters_of(config),
               recipe=recipe_fingerprint(config), curve=curve)
    if curve:
        last = curve[-1]
        row.update(iter=last['iter'], metrics=last,
                   train_minutes=last['train_seconds'] / 60)
    timing = osp.join(work_dir, 'inference_timing.json')
    if osp.isfile(timing):
        with open(timing) as f:
            row.update(json.load(f))
    path = compute_path_of(work_dir)
    if path:
        row['compute_path'] = path
    return row


def compute_path_of(work_dir: str) -> Optional[str]:
    """``'<precision> <ATen ISA>'`` of a run, from the compute_path.json
    that BF16AutocastOptimWrapper writes at its start (None without)."""
    path = osp.join(work_dir, 'compute_path.json')
    if not osp.isfile(path):
        return None
    with open(path) as f:
        p = json.load(f)
    return f"{p.get('precision')} {p.get('aten_isa')}"


SEED_METRICS = ('mAP', 'mAP_50', 'mAP_75', 'mAP_s', 'mAP_m', 'mAP_l')


def collect_seeds(config: str, work_dir: str,
                  own_seed: Optional[int] = None) -> dict:
    """Every finished seed of a config: its own run (WORK_DIR, seed
    ``own_seed``) and the others (WORK_DIR/seed=<s>), with the mean and
    sample standard deviation of each COCO box metric over them. A run
    counts once it has validated at its last iteration; a seed still
    training is left out rather than averaged in at a lower AP."""
    from custom_modules.sweep.results import mean_std
    max_iters = max_iters_of(config)
    runs = [(own_seed, work_dir)]
    for d in glob.glob(osp.join(work_dir, 'seed=*')):
        try:
            runs.append((int(osp.basename(d).split('=', 1)[1]), d))
        except ValueError:
            continue
    finished, tails, minutes, paths = [], [], [], []
    for seed, d in sorted(runs, key=lambda r: (r[0] is None, r[0] or 0)):
        records = read_val_records(d)
        last = [r for r in records if r.get('iter') == max_iters]
        if last:
            finished.append((seed, last[-1]))
            # Each seed's cost too: one run's minutes depend on what else
            # the machine ran beside it, their median far less.
            seconds = last[-1].get('train_seconds')
            minutes.append(None if seconds is None else seconds / 60)
            paths.append(compute_path_of(d))
            # every metric of the last two validations: what a fresh clone
            # needs to judge a claim on any metric, plateau included
            tails.append([{k: v for k, v in r.items()
                           if k == 'iter' or k.startswith('coco/')}
                          for r in records[-2:]])
    stats = {k: mean_std([m.get(f'coco/bbox_{k}') for _, m in finished])
             for k in SEED_METRICS}
    return dict(name=osp.splitext(osp.basename(config))[0],
                recipe=recipe_fingerprint(config),
                seeds=[s for s, _ in finished],
                ap=[m.get('coco/bbox_mAP') for _, m in finished],
                train_minutes=minutes, compute_paths=paths,
                tails=tails, stats=stats)


def render_seed_table(seed_rows: List[dict]) -> List[str]:
    """The markdown of the seed table: only configs with two or more
    finished seeds, because one run says nothing about the spread."""
    rows = [r for r in seed_rows if len(r['seeds']) >= 2]
    if not rows:
        return []
    lines = ['## Seeds', '',
             'Configs trained with more than one seed (`python '
             'tools/benchmark_zoo.py --seeds 0,1,2`): the leaderboard row is '
             "the config's own seed; the others train in "
             '`<work dir>/seed=<s>`. AP per seed in seed order, then the '
             'mean ± sample standard deviation over the finished seeds, and '
             'the means of the other metrics.', '']
    table = []
    for r in rows:
        mean, sd = r['stats']['mAP']
        cells = [_label(r),
                 ', '.join('–' if s is None else str(s) for s in r['seeds']),
                 ' / '.join(percent(a) for a in r['ap']),
                 f'{percent(mean)} ± {percent(sd)}']
        cells += [percent(r['stats'][k][0]) for k in SEED_METRICS[1:]]
        table.append(cells)
    return lines + markdown_table(
        ['config', 'seeds', 'AP per seed', 'AP mean ± sd', 'AP50', 'AP75',
         'APs', 'APm', 'APl'], table) + ['']


def write_outputs(work: Dict[str, str], own: Dict[str, Optional[int]],
                  out: str, record: Optional[str], readme: Optional[str],
                  notes: Optional[str], plot: Optional[str],
                  command: str = 'python tools/benchmark_zoo.py') -> bool:
    """Collect every config's row and seed table from its work dir (``work``:
    config -> work dir; ``own``: its own seed), complete them from the
    committed ``record`` and write the zoo page ``out`` with its ``plot``,
    the record, and the zoo table of ``readme``. True when the README was
    rewritten."""
    from custom_modules import reporting
    rows = [collect_row(c, w) for c, w in work.items()]
    seed_rows = [collect_seeds(c, w, own[c]) for c, w in work.items()]
    env = reporting.environment()
    if record:
        rows, seed_rows = merge_with_record(rows, seed_rows,
                                            load_record(record))
    here = osp.dirname(out) or '.'
    link = notes if notes and osp.isfile(notes) else None
    os.makedirs(here, exist_ok=True)
    drawn = plot and plot_curves(rows, plot)
    with open(out, 'w') as f:
        f.write(render_markdown(
            rows, env, command,
            link and osp.relpath(link, here), seed_rows,
            drawn and osp.relpath(drawn, here), record))
    if not record:
        return False
    save_record(record, rows, seed_rows, env)
    return bool(readme) and refresh_readme(readme, record)


def render_speed_markdown(results: List[dict], env: Dict[str, str],
                          command: str, fuse_conv_bn: bool = False,
                          channels_last: bool = False) -> str:
    """Inference times measured in one process, with the ratio to the first
    config: the comparison the RefineDet paper makes (40.2 vs 46 FPS)."""
    base = results[0]['ms_median']
    lines = ['# Inference speed', '',
             f'Produced by `{command}`: batch 1, data loading excluded, '
             'every config timed in the same process on the same val '
             'images, alternating configs so that machine noise hits all of '
             'them alike. ' + (
                 'Every BatchNorm is folded into the convolution before it '
                 '(--fuse-conv-bn), as a deployed model runs.'
                 if fuse_conv_bn else
                 'BatchNorms run as separate layers (no --fuse-conv-bn).')
             + (' Weights and activations are NHWC (--channels-last).'
                if channels_last else ''),
             '',
             *machine_table(env), '']
    table = []
    for r in results:
        paired = '–'
        if r.get('ms') and results[0].get('ms'):
            pr = paired_ratio(results[0]['ms'], r['ms'])
            paired = (f"{pr['median']:.3f} [{pr['ci_low']:.3f}, "
                      f"{pr['ci_high']:.3f}]")
        table.append([r['name'], r['weights'], r['images'],
                      f"{r['ms_median']:.0f}", f"{r['ms_mean']:.0f}",
                      f"{r['ms_median'] / base:.2f}", paired])
    lines += markdown_table(
        ['config', 'weights', 'images', 'median ms/img', 'mean ms/img',
         f"ratio to {results[0]['name']}", 'paired ratio, median [95% CI]'],
        table)
    threads = {r.get('torch_threads') for r in results} - {None}
    if threads:
        lines += ['', f"torch threads: {', '.join(map(str, threads))}. The "
                  'paired ratio is the median over images of each image\'s '
                  'time ratio (both models ran it back to back), with a '
                  'bootstrap 95% interval over the images.']
    return '\n'.join(lines) + '\n'
