"""Imports only go down the layers of ARCHITECTURE.md: core < supervision < catalog < mall < auction < frontend."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["core", "supervision", "catalog", "mall", "auction", "frontend"]
ASSEMBLERS = {"mall/app.py"}


def test_no_upward_imports():
    found = []
    for rank, package in enumerate(ORDER):
        for path in (ROOT / package).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if rel in ASSEMBLERS or "node_modules" in rel:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                for name in names:
                    root = name.split(".")[0]
                    if root in ORDER and ORDER.index(root) > rank:
                        found.append(f"{rel}:{node.lineno} imports {root}")
    assert not found, found
