"""The synonym and hypernym dictionary of the catalogue search (CAT-6), read from ``synonyms.txt``.

Query time (``alternatives``): each query word may also be matched by its synonyms and — when it is
a broader word (打印机 ⊃ 激光打印机) — by the narrower words and their synonyms. Index time
(``index_terms``): a listing carries the synonyms and the broader words of its category names, so
笔记本电脑 finds listings of 便携式计算机 even where no title says 笔记本. Both backends use these
same functions (through ``analysis``), so they match alike.

Near-miss Latin words (laptp, printr, refrigirator) are corrected against the dictionary's Latin
vocabulary (``corrections``): an optimal-string-alignment distance of 1 for words of 5–7 letters,
2 from 8 letters; a correction is only ever an added alternative, and a word that is itself in
the dictionary is never corrected.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

DICTIONARY = Path(__file__).with_name("synonyms.txt")

#: Alternatives of one query word are capped so a broad word cannot make a query expensive.
MAX_ALTERNATIVES = 24
#: Corrections offered for one misspelt word (the nearest ones).
MAX_CORRECTIONS = 3

_LATIN = re.compile(r"^[a-z]+$")


def _canonical(word: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", word).lower().split())


@dataclass(frozen=True)
class Dictionary:
    #: word → the words it means the same as (itself first)
    groups: dict[str, tuple[str, ...]]
    #: word → the words directly narrower than it
    narrower: dict[str, tuple[str, ...]]
    #: word → the words directly broader than it
    broader: dict[str, tuple[str, ...]]

    def words(self) -> list[str]:
        """Every word of the dictionary, in file order."""
        seen: dict[str, None] = {}
        for word, group in self.groups.items():
            seen.setdefault(word)
            for member in group:
                seen.setdefault(member)
        for mapping in (self.narrower, self.broader):
            for word, others in mapping.items():
                seen.setdefault(word)
                for other in others:
                    seen.setdefault(other)
        return list(seen)

    def synonyms(self, word: str) -> tuple[str, ...]:
        return self.groups.get(word, (word,))

    def _closure(self, word: str, links: dict[str, tuple[str, ...]]) -> list[str]:
        """The synonyms of ``word`` and, following ``links`` transitively, of every word reached."""
        found: dict[str, None] = {}
        pending = [word]
        while pending:
            current = pending.pop(0)
            for member in self.synonyms(current):
                if member in found:
                    continue
                found[member] = None
                pending.extend(links.get(member, ()))
        return list(found)

    def expansions(self, word: str) -> list[str]:
        """What a query for ``word`` also finds: its synonyms, the narrower words and theirs."""
        return [w for w in self._closure(word, self.narrower) if w != word]

    def wider(self, word: str) -> list[str]:
        """What a listing named ``word`` is also findable by: its synonyms, the broader words and
        theirs."""
        return [w for w in self._closure(word, self.broader) if w != word]


class DictionaryError(ValueError):
    """The dictionary file has a line that is neither an equivalence nor a hypernym line."""


def parse(lines: Iterable[str]) -> Dictionary:
    groups: dict[str, list[str]] = {}
    narrower: dict[str, list[str]] = {}
    broader: dict[str, list[str]] = {}
    for number, raw in enumerate(lines, start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if ">" in line:
            head, _, tail = line.partition(">")
            wide = _canonical(head)
            narrow = [_canonical(w) for w in tail.split(",") if w.strip()]
            if not wide or "," in head or not narrow or ">" in tail:
                raise DictionaryError(f"line {number}: expected 'broader > narrower, …': {raw!r}")
            for word in narrow:
                narrower.setdefault(wide, []).append(word)
                broader.setdefault(word, []).append(wide)
            continue
        members = list(dict.fromkeys(_canonical(w) for w in line.split(",") if w.strip()))
        if len(members) < 2:
            raise DictionaryError(f"line {number}: an equivalence needs two words or more: {raw!r}")
        # a word in two equivalence lines joins them into one group
        merged = list(members)
        for member in members:
            for other in groups.get(member, []):
                if other not in merged:
                    merged.append(other)
        for member in merged:
            groups[member] = merged
    return Dictionary(
        groups={word: tuple(group) for word, group in groups.items()},
        narrower={word: tuple(dict.fromkeys(ws)) for word, ws in narrower.items()},
        broader={word: tuple(dict.fromkeys(ws)) for word, ws in broader.items()},
    )


@functools.cache
def dictionary() -> Dictionary:
    """The dictionary of ``synonyms.txt``, read once per process."""
    with DICTIONARY.open(encoding="utf-8") as lines:
        return parse(lines)


def segmenter_words() -> list[str]:
    """Words to add to the segmenter so queries keep them whole: single words with a Chinese
    character. (A run of Latin letters or digits is one token anyway; adding Latin words would make
    the segmenter split longer ones: printers → printer + s.)"""
    return [w for w in dictionary().words() if " " not in w and not w.isascii()]


@functools.cache
def _vocabulary() -> dict[int, tuple[str, ...]]:
    """The dictionary's Latin words (and the parts of its multi-word entries), by length."""
    words: set[str] = set()
    for entry in dictionary().words():
        words.update(part for part in entry.split() if _LATIN.match(part))
    by_length: dict[int, list[str]] = {}
    for word in sorted(words):
        by_length.setdefault(len(word), []).append(word)
    return {length: tuple(ws) for length, ws in by_length.items()}


def _allowed_distance(length: int) -> int:
    if length < 5:
        return 0
    return 1 if length < 8 else 2


def distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours counts 1); ``limit + 1`` once it is
    certain to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[len(b)]


@functools.lru_cache(maxsize=8_192)
def corrections(word: str) -> tuple[str, ...]:
    """Dictionary words nearest to a misspelt Latin ``word`` (empty for a dictionary word, a word
    with digits or other characters, or one shorter than 5 letters)."""
    limit = _allowed_distance(len(word))
    if not limit or not _LATIN.match(word):
        return ()
    vocabulary = _vocabulary()
    if word in vocabulary.get(len(word), ()) or word in dictionary().groups:
        return ()
    best: list[tuple[int, str]] = []
    for length in range(len(word) - limit, len(word) + limit + 1):
        for candidate in vocabulary.get(length, ()):
            d = distance(word, candidate, limit)
            if d <= limit:
                best.append((d, candidate))
    if not best:
        return ()
    nearest = min(d for d, _ in best)
    return tuple(sorted(c for d, c in best if d == nearest)[:MAX_CORRECTIONS])


@functools.lru_cache(maxsize=16_384)
def alternatives(word: str) -> tuple[str, ...]:
    """What else a query word matches, best first: its synonyms and narrower words, then spelling
    corrections and what they expand to. Never contains ``word`` itself."""
    d = dictionary()
    found: dict[str, None] = dict.fromkeys(d.expansions(word))
    for corrected in corrections(word):
        found.setdefault(corrected)
        for other in d.expansions(corrected):
            found.setdefault(other)
    found.pop(word, None)
    return tuple(found)[:MAX_ALTERNATIVES]


def index_terms(names: Iterable[str]) -> list[str]:
    """The synonyms and broader words of category ``names``, to index with a listing."""
    return list(_index_terms(tuple(names)))


@functools.lru_cache(maxsize=4_096)  # listings of one category share their names
def _index_terms(names: tuple[str, ...]) -> tuple[str, ...]:
    d = dictionary()
    found: dict[str, None] = {}
    given = [_canonical(name) for name in names]
    for name in given:
        for word in d.wider(name):
            found.setdefault(word)
    for name in given:
        found.pop(name, None)
    return tuple(found)
