"""custom_modules/apis/cli.py: the one-line error wrapper and the launcher
options that tools/train.py and tools/test.py share."""
import argparse

import pytest

from custom_modules.apis import cli
from custom_modules.errors import UserError


def test_a_user_error_is_one_line_and_its_exit_code(capsys):
    @cli.user_errors_as_one_line
    def main():
        raise UserError('configs/x.py: no such config')
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == UserError.exit_code
    assert capsys.readouterr().err == 'error: configs/x.py: no such config\n'


def test_launcher_options_as_torchrun_and_slurm_pass_them(monkeypatch):
    p = argparse.ArgumentParser()
    cli.add_launcher_arguments(p)
    args = p.parse_args(['--launcher', 'pytorch', '--local-rank', '3'])
    assert (args.launcher, args.local_rank) == ('pytorch', 3)
    assert p.parse_args([]).launcher == 'none'
    with pytest.raises(SystemExit):
        p.parse_args(['--launcher', 'horovod'])
    # mmengine reads LOCAL_RANK; the flag fills it only where the launcher
    # did not set it already.
    monkeypatch.delenv('LOCAL_RANK', raising=False)
    cli.export_local_rank(args)
    assert cli.os.environ['LOCAL_RANK'] == '3'
    monkeypatch.setenv('LOCAL_RANK', '1')
    cli.export_local_rank(args)
    assert cli.os.environ['LOCAL_RANK'] == '1'
