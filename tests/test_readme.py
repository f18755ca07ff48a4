"""The README's commands exist as written: every documented subcommand and flag, the two make targets, CI."""

import re
import shlex
from pathlib import Path

from cd38_guide.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _subparsers():
    parser = build_parser()
    action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return action.choices


def test_every_documented_command_and_flag_exists():
    subs = _subparsers()
    lines = [line for line in README.splitlines() if line.startswith(".venv/bin/cd38-guide ")]
    assert len(lines) >= 8
    for line in lines:
        words = shlex.split(line.split("#")[0].replace("[", " ").replace("]", " "))
        command = words[1]
        assert command in subs, line
        options = {opt for a in subs[command]._actions for opt in a.option_strings}
        for flag in (w for w in words[2:] if w.startswith("--")):
            assert flag in options, f"{flag} is not an option of '{command}' ({line})"


def test_two_setup_commands_and_ci():
    assert "make run" in README and "make test" in README
    makefile = (ROOT / "Makefile").read_text()
    for target in ("install", "run", "test"):
        assert re.search(rf"^{target}:", makefile, re.M), target
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_readme_states_what_is_not_in_the_corpus():
    assert "consensus full text" in README and "decision support" in README
