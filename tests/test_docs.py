"""The README documents every command and every option (a new one cannot go unmentioned)."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from saidwhat.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "saidwhat") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += _commands(command, f"{prefix} {name}")
        else:
            found.append((f"{prefix} {name}", command))
    return found


@pytest.mark.parametrize(("usage", "command"), _commands(main), ids=lambda v: str(v))
def test_every_command_and_option_is_in_the_readme(usage: str, command: click.Command) -> None:
    assert f"{usage} " in README, f"{usage} is not in the README's command list"
    synopsis = README[README.index(f"{usage} ") :].split("\nsaidwhat ")[0]
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            flag = max(param.opts, key=len)
            assert flag in synopsis, f"{usage}: {flag} is not in the README's synopsis"
