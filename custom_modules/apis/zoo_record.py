"""The zoo's committed record (docs/benchmark_results.json) and the README
table drawn from it.

Work dirs are git-ignored and die with the machine that trained them; the
record keeps every leaderboard row and seed table that a zoo wrote, so a
fresh clone shows the numbers without retraining and paper_claims can
judge a claim from it. Several zoos may write it at once, so every write
merges under a lock and replaces the file whole. The README's zoo section
is rendered from the record alone, never typed.
"""
import contextlib
import json
import os
import os.path as osp
import statistics
from typing import Dict, List, Optional, Tuple

from custom_modules.reporting import markdown_table, percent
from .recipe import REPO, current_recipe, max_iters_of

# What a leaderboard row keeps in the record: the numbers the page shows,
# not the run's paths, so that the record reads the same on any machine.
_RECORD_KEYS = ('name', 'config', 'max_iters', 'recipe', 'iter', 'metrics',
                'train_minutes', 'curve', 'ms_median', 'ms_mean', 'images',
                'weights', 'torch_threads', 'compute_path')


def load_record(path: str) -> Dict[str, dict]:
    """The committed record of earlier results (docs/benchmark_results.json):
    ``{'rows': {name: row}, 'seeds': {name: seed_row}, 'environment':
    {...}}`` (the machine it was last written on). Work dirs are
    git-ignored and die with the machine that trained them; without the
    record, a rerun of the benchmark on a fresh clone would blank every row
    it did not retrain itself. Missing file: an empty record."""
    if not path or not osp.isfile(path):
        return dict(rows={}, seeds={}, environment={})
    with open(path) as f:
        record = json.load(f)
    return dict(rows=record.get('rows', {}), seeds=record.get('seeds', {}),
                environment=record.get('environment', {}))


def merge_with_record(rows: List[dict], seed_rows: List[dict],
                      record: Dict[str, dict]):
    """Fill in from the record what the work dirs no longer hold.

    A config whose work dir has validated at least once is shown from its
    work dir: that is the current recipe's run, even if unfinished. One
    with no validation on disk takes its recorded row, marked
    ``recorded=True`` so that the page can say so, but only if the record
    was made with the same recipe (:func:`recipe_fingerprint`): numbers of
    an older model or schedule are another experiment's. A seed row is
    taken from the record, on the same condition, when the work dirs hold
    fewer finished seeds than it does. Returns the merged
    ``(rows, seed_rows)``."""
    merged = []
    for r in rows:
        old = record['rows'].get(r['name'])
        if not r.get('curve') and old and \
                old.get('recipe') == r.get('recipe'):
            r = dict(old, config=r['config'], recorded=True)
        merged.append(r)
    merged_seeds = []
    for s in seed_rows:
        old = record['seeds'].get(s['name'])
        if old and old.get('recipe') == s.get('recipe') and \
                len(old.get('seeds', [])) > len(s['seeds']):
            s = dict(old, recorded=True)
        merged_seeds.append(s)
    return merged, merged_seeds


def recorded_finished(record: Dict[str, dict], config: str,
                      seed: Optional[int], own_seed: Optional[int]) -> bool:
    """Whether ``record`` holds this run of ``config`` finished with the
    recipe the repository has now: its leaderboard row (``seed`` None or
    the config's own) at its last iteration, or ``seed`` among its seed
    row's finished seeds. A zoo rerun on a new machine, whose work dirs died
    with the old one, then keeps these numbers instead of training them
    again; a retuned config no longer matches and trains."""
    name = osp.splitext(osp.basename(config))[0]
    recipe = current_recipe(config)
    if recipe is None:
        return False
    if seed is None or seed == own_seed:
        row = record['rows'].get(name) or {}
        return (row.get('recipe') == recipe
                and row.get('iter') == max_iters_of(config))
    seeds = record['seeds'].get(name) or {}
    return seeds.get('recipe') == recipe and seed in seeds.get('seeds', [])


def recorded_minutes(row: dict, seed_row: dict,
                     path: Optional[str]) -> Tuple[Optional[float], int]:
    """The train minutes the record holds for a config on compute path
    ``path``, and over how many runs: the median over its seeds that trained
    on that path, else its leaderboard row's own if that one did, else
    (None, 0). One run's minutes are a draw from whatever shared the machine
    with it (SSD300/4 took 18.5 to 44.7 over five seeds), so the median is
    the cost to expect; a run on another path says nothing about this one."""
    same = [m for m, p in zip(seed_row.get('train_minutes') or [],
                              seed_row.get('compute_paths') or [])
            if m is not None and p == path]
    if same:
        return statistics.median(same), len(same)
    if row.get('compute_path') == path and \
            row.get('train_minutes') is not None:
        return row['train_minutes'], 1
    return None, 0


@contextlib.contextmanager
def record_lock(path: str):
    """Hold an exclusive lock on the record's folder while a writer reads,
    merges and replaces the record. Two zoos may run side by side (one per
    study, as their docs suggest): without it, each would read the record,
    add its row and write it back, and the later write would drop the row
    of the earlier. A lock on the folder, not on the file, because the
    write replaces the file. Where fcntl is missing (not POSIX) the write
    is still atomic, only not serialised."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    fd = os.open(osp.dirname(osp.abspath(path)), os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)     # closing the descriptor releases the lock


def save_record(path: str, rows: List[dict], seed_rows: List[dict],
                env: Dict[str, str]) -> None:
    """Write the record that :func:`merge_with_record` reads: every row that
    has validated and every seed row with a finished seed, with the
    machine it was last written on. An entry of the old record that this
    run has nothing new for stays, even when its recipe is out of date (it
    is not shown, but it is the history of the config, and paper_claims
    reads it), so re-rendering the page never deletes results. Read, merge
    and write happen under :func:`record_lock`, and the write replaces the
    file whole, so a reader never sees half a record."""
    from custom_modules.engine.atomic_checkpoint_hook import \
        replace_text_atomically
    new_rows = {r['name']: {k: r[k] for k in _RECORD_KEYS if k in r}
                for r in rows if r.get('curve')}
    new_seeds = {s['name']: {k: v for k, v in s.items() if k != 'recorded'}
                 for s in seed_rows if s.get('seeds')}
    os.makedirs(osp.dirname(path) or '.', exist_ok=True)
    with record_lock(path):
        old = load_record(path)
        record = dict(environment=env, rows={**old['rows'], **new_rows},
                      seeds={**old['seeds'], **new_seeds})
        replace_text_atomically(
            path, json.dumps(record, indent=1, sort_keys=True) + '\n')


def render_readme_table(record: Dict[str, dict],
                        recipe_of=current_recipe) -> str:
    """The README's zoo table, from the committed record alone (so the
    README's numbers are the record's, never typed by hand): one row per
    embedded config (configs/*.py; the studies' light twins are on the zoo
    page and in docs/paper_claims.md) by AP, with the mean ± sd over seeds
    where more than one finished, and the training minutes with the compute
    path they were measured on: the median over seeds on that path where
    two or more recorded theirs, else the leaderboard run's own.

    The rule of the zoo page holds here too: numbers stand for a config
    only if they were made with its present recipe (``recipe_of(config)``,
    None for a config no longer in the repository, whose row is dropped).
    A config whose recipe changed since its run keeps its row, with
    dashes, so that the table still lists every detector and says what to
    rerun."""
    seeds = record.get('seeds', {})
    rows, stale = [], []
    for r in record['rows'].values():
        if osp.dirname(r['config']) != 'configs':
            continue
        now = recipe_of(r['config'])
        if now is None:
            continue
        (rows if r.get('recipe') in (None, now) else stale).append(r)
    rows.sort(key=lambda r: -(r.get('metrics') or {}).get('coco/bbox_mAP', 0))
    table = []
    for r in rows:
        g = (r.get('metrics') or {}).get
        s = seeds.get(r['name'], {})
        spread = '–'
        if len(s.get('seeds', [])) >= 2 and \
                s.get('recipe') in (None, r.get('recipe')):
            mean, sd = s['stats']['mAP']
            spread = f"{percent(mean)} ± {percent(sd)} ({len(s['seeds'])})"
        minutes, n = recorded_minutes(
            r, s if s.get('recipe') in (None, r.get('recipe')) else {},
            r.get('compute_path'))
        path = r.get('compute_path', 'bf16 AVX512*') + (
            f', median of {n}' if n >= 2 else '')
        cost = '–' if minutes is None else f'{minutes:.0f} ({path})'
        table.append([
            f"`{r['config']}`", f"{r.get('iter', '–')}/{r['max_iters']}",
            percent(g('coco/bbox_mAP')), percent(g('coco/bbox_mAP_50')),
            percent(g('coco/bbox_mAP_75')), percent(g('coco/segm_mAP')), spread,
            cost])
    stale.sort(key=lambda r: r['config'])
    for r in stale:
        iters = max_iters_of(osp.join(REPO, r['config']))
        table.append([f"`{r['config']}`", f'–/{iters}', '–', '–', '–', '–',
                      '–', 'recipe changed †'])
    lines = markdown_table(['config', 'iters', 'AP', 'AP50', 'AP75',
                            'mask AP', 'AP over seeds', 'train min'], table)
    env = record.get('environment', {})
    note = (f"Training minutes on {env.get('cpu', '?')}, "
            f"{env.get('cores', '?')} cores, torch {env.get('torch', '?')}, "
            'with the compute path each run took. \\* Rows recorded before '
            'runs wrote their path: trained on a CPU with AVX512-BF16 in '
            'bf16 autocast (docs/benchmark_notes.md); an AVX2-only CPU '
            'trains in fp32, slower (docs/train_speed_fp32_avx2.md).')
    if stale:
        note += (' † Recorded with an earlier recipe, so those numbers are '
                 'another experiment\'s; `python tools/benchmark_zoo.py '
                 '--configs ' + ' '.join(r['config'] for r in stale) +
                 '` trains the present one.')
    return '\n'.join(lines + ['', note])


def refresh_readme(readme: str, record_path: str) -> bool:
    """Rewrite the ``zoo`` section of ``readme`` from the record; False
    (and nothing written) when the page has no such section."""
    from custom_modules.reporting import replace_section
    if not osp.isfile(readme):
        return False
    with open(readme, encoding='utf-8') as f:
        text = f.read()
    if '<!-- zoo:begin -->' not in text:
        return False
    with open(readme, 'w', encoding='utf-8') as f:
        f.write(replace_section(text, 'zoo', render_readme_table(
            load_record(record_path))))
    return True
