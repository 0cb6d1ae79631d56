"""The pictures in docs/diagram.md are what `blueprint diagram` generates today: each is regenerated
by a command listed on that page, and the test runs those commands' rendering and compares."""

from __future__ import annotations

import re
import shlex

import pytest

from blueprint.diagram import draw

from diagram_helpers import ROOT

DOC = ROOT / "docs" / "diagram.md"
COMMAND = re.compile(r"^\.venv/bin/blueprint diagram .*--out docs/images/\S+\.svg$", re.M)


def regeneration_commands() -> dict[str, dict[str, str]]:
    """docs/images/<file> -> the options of the command on the page that writes it."""
    out = {}
    for line in COMMAND.findall(DOC.read_text(encoding="utf-8")):
        words = shlex.split(line)[2:]
        options = dict(zip(words[::2], words[1::2]))
        out[options["--out"]] = options
    return out


def test_every_picture_on_the_page_has_its_regeneration_command():
    shown = set(re.findall(r"!\[[^\]]*\]\((images/[^)]+\.svg)\)", DOC.read_text(encoding="utf-8")))
    assert shown == {"images/prod.svg", "images/gcp-prod.svg", "images/prod-region-loss.svg"}
    assert {f"docs/{p}" for p in shown} == set(regeneration_commands())


@pytest.mark.parametrize("path", sorted(regeneration_commands()))
def test_the_committed_picture_is_what_the_command_generates(path, shipped):
    options = regeneration_commands()[path]
    expected = draw(shipped(options["--stack"]), options.get("--scenario"))
    committed = (ROOT / path).read_text(encoding="utf-8")
    assert committed == expected, (f"{path} is stale: regenerate it with the commands in docs/diagram.md "
                                   "(\"The pictures on this page\")")


def test_the_readme_links_the_picture_and_the_page():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "blueprint diagram --stack prod --out prod.svg" in readme
    assert "docs/images/prod.svg" in readme and "docs/diagram.md" in readme
