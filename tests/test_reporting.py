"""custom_modules/reporting.py: the one table builder every page uses, the
machine rows, and the generated sections of hand-written pages."""
import pytest

from custom_modules.reporting import (machine_table, markdown_table,
                                      replace_section)


def test_markdown_table_by_hand():
    assert markdown_table(['a', 'b'], [[1, 'x'], [2.5, '–']]) == [
        '| a | b |', '|---|---|', '| 1 | x |', '| 2.5 | – |']


def test_markdown_table_aligns_the_columns_asked_right():
    assert markdown_table(['name', 'exit', 'note'], [], right=[1])[1] == \
        '|---|---:|---|'


def test_a_row_of_the_wrong_length_is_refused_not_shifted():
    with pytest.raises(ValueError, match='a row of 3 cells under a header '
                       'of 2'):
        markdown_table(['a', 'b'], [[1, 2, 3]])


def test_machine_table_names_the_versions():
    assert machine_table({'cpu': 'EPYC', 'torch': '2.13.0'}) == [
        '| machine | cpu | torch |', '|---|---|---|',
        '| this run | EPYC | 2.13.0 |']


def test_replace_section_replaces_once_and_appends_when_missing():
    page = 'intro\n<!-- t:begin -->\nold\n<!-- t:end -->\noutro\n'
    assert replace_section(page, 't', 'new\n') == \
        'intro\n<!-- t:begin -->\nnew\n<!-- t:end -->\noutro\n'
    assert replace_section('intro\n', 'u', 'body') == \
        'intro\n\n<!-- u:begin -->\nbody\n<!-- u:end -->\n'


def test_isa_caps_are_spelled_as_a_command_line_sets_them(monkeypatch):
    from custom_modules.reporting import isa_caps
    monkeypatch.delenv('ONEDNN_MAX_CPU_ISA', raising=False)
    monkeypatch.delenv('ATEN_CPU_CAPABILITY', raising=False)
    assert isa_caps() == ''
    monkeypatch.setenv('ONEDNN_MAX_CPU_ISA', 'AVX2')
    monkeypatch.setenv('ATEN_CPU_CAPABILITY', 'avx2')
    assert isa_caps() == 'ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2'


def test_write_page_makes_the_folder_a_fresh_clone_lacks(tmp_path):
    """`tools/analysis/train_speed.py --out work_dirs/analysis/x.md` on a
    fresh clone: the page is written after minutes of timing, into a folder
    that did not exist, instead of a FileNotFoundError that loses them."""
    from custom_modules.reporting import write_page
    page = tmp_path / 'work_dirs' / 'analysis' / 'x.md'
    assert write_page(str(page), '# x\n') == str(page)
    assert page.read_text() == '# x\n'
