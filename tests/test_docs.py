"""Docs are tested: every setting and every command is documented in the README."""

from __future__ import annotations

import re

from conftest import ROOT
from policykg.cli import app
from policykg.config import SETTINGS, Settings

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented():
    missing = [s.name for s in SETTINGS if f"POLICYKG_{s.name.upper()}" not in README]
    assert not missing, f"settings missing from README.md: {missing}"


def test_settings_are_declared_once_with_their_defaults():
    names = [s.name for s in SETTINGS]
    assert len(names) == len(set(names))
    defaults = Settings()
    for s in SETTINGS:
        assert getattr(defaults, s.name) == s.default, s.name
        assert s.help.endswith("."), s.name


def test_every_command_is_documented():
    commands = [c.name or c.callback.__name__ for c in app.registered_commands]
    missing = [c for c in commands if f"policykg {c}" not in README]
    assert not missing, f"commands missing from README.md: {missing}"


DOCS = {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in [
    ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))
]}  # fmt: skip


def test_readme_links_every_page_under_docs():
    unlinked = [page for page in DOCS if page.startswith("docs/") and f"({page})" not in README]
    assert not unlinked, f"pages under docs/ that README.md does not link: {unlinked}"


def test_docs_name_only_settings_that_exist():
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src").rglob("*.py"))
    read = {f"POLICYKG_{s.name.upper()}" for s in SETTINGS}
    read |= set(re.findall(r'"(POLICYKG_[A-Z_]+)"', source))  # read outside the settings
    for page, text in DOCS.items():
        named = set(re.findall(r"\bPOLICYKG_[A-Z_]*[A-Z]\b", text))
        stale = named - read
        assert not stale, f"{page} names settings policykg never reads: {sorted(stale)}"


def test_docs_name_only_make_targets_and_scripts_that_exist():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.MULTILINE))
    for page, text in DOCS.items():
        missing = set(re.findall(r"`make ([a-z-]+)`", text)) - targets
        assert not missing, f"{page} names make targets the Makefile lacks: {missing}"
        scripts = set(re.findall(r"(?:benchmarks|tests|src/policykg)/[\w/]+\.py", text))
        absent = [s for s in scripts if not (ROOT / s).exists()]
        assert not absent, f"{page} names files that do not exist: {absent}"
