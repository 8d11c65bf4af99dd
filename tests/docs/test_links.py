"""Every relative link and picture in README.md and docs/*.md points at a
file of the repository: pages moved between README and docs/ must not leave
dead links behind."""
import glob
import os.path as osp
import re

import pytest

from conftest import REPO

LINK = re.compile(r'\]\(([^)\s]+)\)')
PAGES = ['README.md'] + sorted(
    osp.relpath(p, REPO) for p in glob.glob(osp.join(REPO, 'docs', '*.md')))


@pytest.mark.parametrize('page', PAGES)
def test_relative_links_resolve(page):
    with open(osp.join(REPO, page), encoding='utf-8') as f:
        text = f.read()
    dead = []
    for target in LINK.findall(text):
        if re.match(r'[a-z]+://|#|mailto:', target):
            continue
        path = target.split('#', 1)[0]
        if not osp.exists(osp.join(REPO, osp.dirname(page), path)):
            dead.append(target)
    assert not dead, f'{page} links to missing files: {dead}'


def test_readme_is_a_short_users_document():
    with open(osp.join(REPO, 'README.md'), encoding='utf-8') as f:
        lines = f.read().splitlines()
    assert len(lines) <= 120, f'README.md has {len(lines)} lines'
    # The two commands come first.
    first = next(i for i, line in enumerate(lines) if line.startswith('## '))
    assert lines[first] == '## Two commands on a fresh machine'
