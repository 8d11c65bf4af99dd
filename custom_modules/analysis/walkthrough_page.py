"""The walkthrough's page: one HTML file that any browser opens offline.

The pictures sit beside it in the same folder (relative links), so the
folder is the self-contained artefact: copy it, zip it, open index.html.
"""
import html
from typing import Dict, List

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto;
       padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em;
     border-bottom: 1px solid #ddd; }
.warn { background: #fff3cd; border: 1px solid #e0c36b; padding: .6em 1em; }
.meta, td, th { font-size: .9em; }
table { border-collapse: collapse; margin: .6em 0; }
td, th { border: 1px solid #ddd; padding: .25em .6em; text-align: left; }
th { background: #f4f4f4; }
figure { margin: .8em 0; } img { max-width: 100%; }
figcaption { font-size: .85em; color: #555; }
"""


def _table(header: List[str], rows: List[List[str]]) -> str:
    e = html.escape
    head = ''.join(f'<th>{e(h)}</th>' for h in header)
    head = f'<tr>{head}</tr>' if any(header) else ''
    body = ''.join('<tr>' + ''.join(f'<td>{e(str(c))}</td>' for c in r)
                   + '</tr>' for r in rows)
    return f'<table>{head}{body}</table>'


def render_html(steps, title: str, notes: List[str], meta: Dict) -> str:
    """The page: a header (config, weights, image, the command that made
    it, warnings), then one section per step with its why, its numbers and
    its pictures."""
    e = html.escape
    parts = ['<!doctype html><html lang="en"><head><meta charset="utf-8">',
             f'<title>{e(title)}</title><style>{STYLE}</style></head><body>',
             f'<h1>{e(title)}</h1>']
    parts += [f'<p class="warn">{e(n)}</p>' for n in notes]
    parts.append(_table(['', ''], [[k, v] for k, v in meta.items()
                                   if isinstance(v, str)]))
    parts.append('<ol>' + ''.join(
        f'<li><a href="#{s.key}">{e(s.title)}</a></li>' for s in steps)
        + '</ol>')
    for i, s in enumerate(steps, 1):
        parts.append(f'<h2 id="{s.key}">{i}. {e(s.title)}</h2>'
                     f'<p>{e(s.why)}</p>')
        if s.rows:
            parts.append(_table(['', ''], [list(r) for r in s.rows]))
        if s.table:
            parts.append(_table(*s.table))
        for name, caption, _ in s.figures:
            parts.append(f'<figure><img src="{e(name)}" alt="{e(caption)}">'
                         f'<figcaption>{e(caption)}</figcaption></figure>')
    parts.append('</body></html>')
    return '\n'.join(parts) + '\n'


def browser() -> str:
    """A headless-capable Chromium on PATH, or '' (Debian: apt-get install
    chromium)."""
    import shutil
    for name in ('chromium', 'chromium-browser', 'google-chrome',
                 'google-chrome-stable'):
        found = shutil.which(name)
        if found:
            return found
    return ''


def screenshot(page: str, png: str, width: int = 1100,
               height: int = 2400) -> str:
    """Render ``page`` in a real headless browser and save what it shows
    as ``png``: the check that the page and its pictures load."""
    import os.path as osp
    import subprocess
    import tempfile

    from custom_modules.errors import UserError
    exe = browser()
    if not exe:
        raise UserError('--screenshot needs Chromium on PATH (Debian/Ubuntu: '
                        'apt-get install chromium); the page itself is '
                        f'written: {page}')
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [exe, '--headless', '--no-sandbox', '--disable-gpu',
             '--hide-scrollbars', f'--user-data-dir={profile}',
             f'--window-size={width},{height}',
             f'--screenshot={osp.abspath(png)}',
             'file://' + osp.abspath(page)],
            check=True, capture_output=True, timeout=120)
    return png
