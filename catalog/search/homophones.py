"""Chinese typing slips in search queries (CAT-6): a word typed with the wrong character of the
same sound — 笔记本电恼 for 笔记本电脑, 打印记 for 打印机, 扫瞄仪 for 扫描仪 — as pinyin input methods
produce them.

A span of a query's Chinese text is a slip for a word of the synonym dictionary (``synonyms.txt``)
when it has the same length, every character shares a reading with the dictionary word's character
in its place (tones ignored, every reading of a character with several counted), and it differs in
at least one character and at most ``MAX_SLIPS`` (one for words of up to three characters, two from
four). A span that is itself a dictionary word is never corrected. The scan runs left to right,
longest span first, so overlapping candidates do not both count.

Readings come from ``pypinyin``'s character table, loaded on the first query with Chinese text that
is not a dictionary word (not at import: it takes a few tenths of a second).
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

from catalog.search import synonyms

#: The shortest and longest dictionary words a slip is looked for in.
MIN_LENGTH, MAX_LENGTH = 2, 8


def _max_slips(length: int) -> int:
    return 1 if length <= 3 else 2


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


#: The tone marks of pinyin (macron, acute, caron, grave) as combining characters; the diaeresis of
#: ü is not one of them (lǜ → lv, lù → lu).
_TONES = dict.fromkeys(map(ord, "\u0304\u0301\u030c\u0300"))


def _toneless(reading: str) -> str:
    plain = unicodedata.normalize("NFD", reading).translate(_TONES)
    return unicodedata.normalize("NFC", plain).replace("ü", "v")


@functools.cache
def _table() -> dict[int, str]:
    from pypinyin.pinyin_dict import pinyin_dict  # a large table: loaded when first needed

    return pinyin_dict


@functools.lru_cache(maxsize=65_536)
def readings(char: str) -> frozenset[str]:
    """The toneless readings of a Chinese character (电 → {dian}; 行 → {xing, hang, heng})."""
    raw = _table().get(ord(char))
    if not raw:
        return frozenset({char})
    return frozenset(_toneless(r) for r in raw.split(","))


@functools.cache
def _vocabulary() -> dict[int, dict[str, tuple[str, ...]]]:
    """The dictionary's all-Chinese words by length, each length's words by every reading of their
    first character."""
    by_length: dict[int, dict[str, list[str]]] = {}
    for word in synonyms.dictionary().words():
        if MIN_LENGTH <= len(word) <= MAX_LENGTH and all(_is_han(c) for c in word):
            for reading in readings(word[0]):
                by_length.setdefault(len(word), {}).setdefault(reading, []).append(word)
    return {
        length: {r: tuple(dict.fromkeys(ws)) for r, ws in by_reading.items()}
        for length, by_reading in by_length.items()
    }


def _known(span: str) -> bool:
    d = synonyms.dictionary()
    return span in d.groups or span in d.narrower or span in d.broader


@functools.lru_cache(maxsize=16_384)
def correction(span: str) -> str | None:
    """The dictionary word ``span`` is a slip for (the first in dictionary order when several
    fit), or None."""
    words = _vocabulary().get(len(span))
    if not words or _known(span) or not all(_is_han(c) for c in span):
        return None
    candidates: dict[str, None] = {}
    for reading in readings(span[0]):
        candidates.update(dict.fromkeys(words.get(reading, ())))
    limit = _max_slips(len(span))
    for word in candidates:
        slips = 0
        for typed, meant in zip(span, word, strict=True):
            if typed == meant:
                continue
            if not readings(typed) & readings(meant):
                break
            slips += 1
            if slips > limit:
                break
        else:
            if slips:
                return word
    return None


@dataclass(frozen=True)
class Slip:
    """``text[start:end]`` was typed for ``word``."""

    start: int
    end: int
    word: str


def slips(text: str) -> list[Slip]:
    """The slips in ``text`` (already normalised), left to right; none overlap."""
    found: list[Slip] = []
    i = 0
    while i < len(text):
        if not _is_han(text[i]):
            i += 1
            continue
        run_end = i
        while run_end < len(text) and _is_han(text[run_end]):
            run_end += 1
        step = 1
        for size in range(min(MAX_LENGTH, run_end - i), MIN_LENGTH - 1, -1):
            span = text[i : i + size]
            if _known(span):
                step = size
                break
            word = correction(span)
            if word is not None:
                found.append(Slip(i, i + size, word))
                step = size
                break
        i += step
    return found
