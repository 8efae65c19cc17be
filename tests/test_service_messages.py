"""Services speak to every interface: their errors name the field, never a command-line
option (which a web page or an API client has not got)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "intelpool"
OPTION = re.compile(r"(?:^|[\s(])--[a-z][a-z-]+")
INTERFACES = {"cli", "web", "api"}  # these may name their own options and fields


def _raised_texts(tree: ast.AST) -> list[tuple[int, str]]:
    """The string parts of every raised exception's arguments, with their line."""
    texts = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            for part in ast.walk(node.exc):
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    texts.append((part.lineno, part.value))
    return texts


def test_no_service_error_names_a_command_line_option() -> None:
    found = []
    for path in SRC.rglob("*.py"):
        if path.relative_to(SRC).parts[0] in INTERFACES:
            continue
        for line, text in _raised_texts(ast.parse(path.read_text(encoding="utf-8"))):
            if OPTION.search(text):
                found.append(f"{path.relative_to(SRC)}:{line}: {text}")
    assert found == [], "\n".join(found)
