"""Docs enforced by tests: the README shows what the CLI really does."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from negdocs.cli import cli
from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_quick_start_is_the_two_commands():
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    assert re.findall(r"^make \w+", quick, re.M) == ["make build", "make test"]


def test_readme_shows_the_current_rules_listing():
    listing = CliRunner().invoke(cli, ["rules"]).stdout
    assert listing in README, "README's rules listing is stale: paste the output of `negdocs rules`"


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_and_option_is_documented(command):
    assert f"negdocs {command}" in README
    for param in cli.commands[command].params:
        for opt in param.opts:
            if opt.startswith("--") and opt != "--help":
                assert opt in README, f"`negdocs {command} {opt}` is not documented in README.md"
