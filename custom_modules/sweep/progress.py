"""A progress bar over the runs of a sweep, with an ETA, on stderr.

Why not mmengine's ProgressBar? Its ETA is elapsed / completed x remaining,
which is wrong for a resumed sweep: the runs skipped because they were
already done "complete" instantly and would make the rest look free. Here the
ETA uses what a run actually costs: the wall time of the runs finished so
far, in this invocation *or* recorded in the DONE markers of earlier ones,
divided among the parallel workers.

On a terminal the bar redraws in place; in a log file (a Slurm job, nohup)
it prints one line per finished run, so the log stays readable.
"""
import math
import sys
import time
from typing import List, Optional, TextIO


def format_seconds(seconds: Optional[float]) -> str:
    if seconds is None or math.isnan(seconds):
        return '--:--'
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f'{h}:{m:02d}:{s:02d}' if h else f'{m:02d}:{s:02d}'


class SweepProgress:

    def __init__(self, total: int, workers: int, stream: TextIO = None,
                 width: int = 30):
        self.total = total
        self.workers = max(1, workers)
        self.stream = stream or sys.stderr
        self.width = width
        self.done = 0          # finished successfully (incl. skipped)
        self.failed = 0
        self.running = 0
        self.durations: List[float] = []
        self.start = time.time()
        self.is_tty = hasattr(self.stream, 'isatty') and self.stream.isatty()

    def add_known_duration(self, seconds: Optional[float]) -> None:
        """A run's cost learnt from an earlier invocation (its DONE file)."""
        if seconds:
            self.durations.append(float(seconds))

    def eta(self) -> Optional[float]:
        remaining = self.total - self.done - self.failed
        if remaining <= 0:
            return 0.0
        if not self.durations:
            return None
        mean = sum(self.durations) / len(self.durations)
        # Runs go in waves of `workers`; a partly filled last wave costs a
        # whole run.
        return mean * math.ceil(remaining / self.workers)

    def line(self) -> str:
        finished = self.done + self.failed
        frac = finished / self.total if self.total else 1.0
        filled = int(round(self.width * frac))
        bar = '#' * filled + '.' * (self.width - filled)
        parts = [f'[{bar}] {finished}/{self.total} runs']
        if self.running:
            parts.append(f'{self.running} running')
        if self.failed:
            parts.append(f'{self.failed} failed')
        parts.append(f'elapsed {format_seconds(time.time() - self.start)}')
        parts.append(f'ETA {format_seconds(self.eta())}')
        return ' | '.join(parts)

    def update(self, message: Optional[str] = None) -> None:
        if self.is_tty:
            if message:
                self.stream.write('\r\033[K' + message + '\n')
            self.stream.write('\r\033[K' + self.line())
        else:
            if message:
                self.stream.write(message + '\n')
            self.stream.write(self.line() + '\n')
        self.stream.flush()

    def close(self) -> None:
        if self.is_tty:
            self.stream.write('\n')
            self.stream.flush()
