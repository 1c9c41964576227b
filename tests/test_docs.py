"""Docs are tested: every setting and every command is documented in the README."""

from __future__ import annotations

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
