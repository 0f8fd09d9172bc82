"""Moves the Chinese texts of the services' refusals into the services' catalog.

    .venv/bin/python scripts/move_messages.py auction mall/agreements [--translations more.json]

In each module under the given paths, a ``DomainError``-family call written with an English and a
Chinese string literal (``Conflict("...", "...", code=...)``) loses its Chinese literal; the pair goes
into ``core/translations/<locale>/LC_MESSAGES/services.po`` (the English text is the msgid; Chinese
catalog: the Chinese text; English catalog: the msgid). Then ``scripts/translations.sh update`` and
``compile`` run. A message whose English text already stands for another Chinese text is left as
written and listed: give one of the two another English text. Calls with f-strings are listed too:
rewrite them by hand with ``%(name)s`` and ``params={...}``, then pass their Chinese texts as a JSON
object ``{msgid: Chinese}`` with ``--translations`` (also fills any other empty Chinese entry).
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from babel.messages.extract import pathmatch  # noqa: E402
from babel.messages.frontend import parse_mapping_cfg  # noqa: E402

from core.message_extract import MARKERS, calls  # noqa: E402

CATALOGS = ROOT / "core" / "translations"
HAN = re.compile(r"[\u3400-\u9fff]")


def carriers(where: str) -> dict[str, int]:
    """The calls that carry a message in a module, as ``core/babel.cfg`` names them for its path."""
    with (ROOT / "core" / "babel.cfg").open() as handle:
        methods, options = parse_mapping_cfg(handle)
    for pattern, _ in methods:
        if pathmatch(pattern, where):
            return {
                k: v
                for k, v in calls(options[pattern].get("calls", "")).items()
                if k not in MARKERS
            }
    return {}


def _name(func: ast.expr) -> str | None:
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def _catalog(locale: str):  # type: ignore[no-untyped-def]
    with (CATALOGS / locale / "LC_MESSAGES" / "services.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def _save(catalog, locale: str) -> None:  # type: ignore[no-untyped-def]
    with (CATALOGS / locale / "LC_MESSAGES" / "services.po").open("wb") as handle:
        write_po(handle, catalog, width=0, ignore_obsolete=True)


def _offset(lines: list[str], line: int, col: int) -> int:
    """A position (1-based line, UTF-8 byte column as ast gives it) as a character offset."""
    before = sum(len(x) for x in lines[: line - 1])
    return before + len(lines[line - 1].encode()[:col].decode())


def convert(path: Path, known: dict[str, str], report: list[str]) -> int:
    """Rewrites one module; adds its pairs to ``known``; how many calls it rewrote."""
    source = path.read_text()
    lines = source.splitlines(keepends=True)
    cuts = []
    names = carriers(path.relative_to(ROOT).as_posix())
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or _name(node.func) not in names:
            continue
        if not any(
            HAN.search(x.value)
            for x in ast.walk(node)
            if isinstance(x, ast.Constant) and isinstance(x.value, str)
        ):
            continue
        where = f"{path.relative_to(ROOT)}:{node.lineno}"
        place = names[_name(node.func)]  # type: ignore[index]
        english, chinese = [*node.args, None, None][place - 1 : place + 1]
        if not (isinstance(english, ast.Constant) and isinstance(chinese, ast.Constant)):
            report.append(f"{where}: not two string literals (an f-string?): convert by hand")
            continue
        if known.get(english.value, chinese.value) != chinese.value:
            report.append(
                f"{where}: {english.value!r} already stands for {known[english.value]!r}, "
                f"here {chinese.value!r}: give one of them another English text"
            )
            continue
        known[english.value] = chinese.value
        start = _offset(lines, english.end_lineno, english.end_col_offset)  # type: ignore[arg-type]
        end = _offset(lines, chinese.end_lineno, chinese.end_col_offset)  # type: ignore[arg-type]
        cuts.append((start, end))
    for start, end in sorted(cuts, reverse=True):
        source = source[:start] + source[end:]
    if cuts:
        path.write_text(source)
    return len(cuts)


def fill(known: dict[str, str]) -> list[str]:
    """Fills the empty entries: Chinese from ``known``, English with the msgid; what stays empty."""
    empty = []
    for locale in ("zh_Hans_CN", "en"):
        catalog = _catalog(locale)
        for message in catalog:
            if not message.id or message.string:
                continue
            text = message.id if locale == "en" else known.get(message.id)
            if text:
                message.string = text
                message.flags.discard("fuzzy")
            else:
                empty.append(f"{locale}: {message.id}")
        _save(catalog, locale)
    return empty


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--translations", type=Path, help="JSON object {msgid: Chinese}")
    args = parser.parse_args()
    known = {m.id: m.string for m in _catalog("zh_Hans_CN") if m.id and m.string}
    report: list[str] = []
    count = 0
    for given in args.paths:
        top = given.resolve()
        files = [top] if top.is_file() else sorted(top.rglob("*.py"))
        for path in files:
            count += convert(path, known, report)
    if args.translations:
        known.update(json.loads(args.translations.read_text()))
    script = ROOT / "scripts" / "translations.sh"
    subprocess.run(["bash", str(script), "update"], check=True)  # noqa: S603, S607
    empty = fill(known)
    subprocess.run(["bash", str(script), "compile"], check=True)  # noqa: S603, S607
    print(f"{count} calls rewritten")
    for line in report + [f"no translation: {x}" for x in empty]:
        print(line)


if __name__ == "__main__":
    main()
