"""Text analysis shared by both search backends (CAT-6).

Chinese is written without spaces, so text is segmented with rjieba before it reaches either engine:
documents in *search* mode, where a long word also yields its dictionary sub-words (激光打印机 →
激光 打印 印机 打印机 激光打印机), queries in *precise* mode, where it stays one word. A query word thus
matches a listing that contains it as a word or inside a longer word: 台式 finds 台式计算机, 打印机 finds
激光打印机. The engines themselves only split on whitespace and lowercase, so the embedded index and
Elasticsearch see exactly the same tokens.

A query word that the dictionary knows as a compound (台式计算机 = 台式 + 计算机) also matches listings
that spell it in parts ("台式 计算机"): see ``QueryWord.parts``. It also matches its synonyms, the
narrower words of a broader one and the corrections of a misspelt Latin word (``synonyms``): see
``QueryWord.alternatives``. A Chinese word typed with a wrong character of the same sound (扫瞄仪)
also matches the dictionary word it was typed for (``homophones``). Text is NFKC-normalised and
lowercased before it is segmented, so full-width input (ｌａｐｔｏｐ, Ａ４纸) is the same as half-width.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import rjieba

from catalog.search import homophones, synonyms

#: Product words and brands of the procurement catalogue, added to rjieba's dictionary so they are
#: kept whole in queries (and yielded whole, besides their parts, in documents).
PROCUREMENT_WORDS: tuple[str, ...] = (
    # IT equipment
    "台式计算机",
    "台式电脑",
    "便携式计算机",
    "笔记本电脑",
    "平板电脑",
    "一体机",
    "计算机",
    "服务器",
    "显示器",
    "激光打印机",
    "喷墨打印机",
    "针式打印机",
    "多功能一体机",
    "复印机",
    "扫描仪",
    "投影仪",
    "碎纸机",
    "交换机",
    "路由器",
    "硒鼓",
    "墨盒",
    "移动硬盘",
    "固态硬盘",
    "不间断电源",
    # office supplies and furniture
    "复印纸",
    "打印纸",
    "办公椅",
    "办公桌",
    "会议桌",
    "文件柜",
    "档案柜",
    "书写笔",
    "中性笔",
    "订书机",
    # brands
    "联想",
    "华为",
    "惠普",
    "戴尔",
    "得力",
    "晨光",
    "齐心",
    "佳能",
    "爱普生",
    "奔图",
    "理光",
    "京瓷",
    "浪潮",
    "曙光",
    "同方",
    "长城",
    "紫光",
    "海尔",
    "格力",
    "美的",
    "科大讯飞",
)

#: Query words that would only make an all-words query fail.
STOPWORDS = frozenset({"的", "了", "和", "与", "及", "或", "等"})

#: Longer tokens (pasted URLs, serial garbage) are not indexed.
MAX_TOKEN_CHARS = 40

_lock = threading.Lock()
_segmenter: rjieba.Jieba | None = None


def segmenter() -> rjieba.Jieba:
    """The process's rjieba instance with the procurement dictionary (loaded once)."""
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                jieba = rjieba.Jieba()
                for word in (*PROCUREMENT_WORDS, *synonyms.segmenter_words()):
                    if not jieba.has_word(word):  # keep the frequencies of words it already has
                        jieba.add_word(word, None, None)
                _segmenter = jieba
    return _segmenter


def normalize(text: str) -> str:
    """NFKC and lowercase: full-width letters and digits (ＡＢＣ１２３) become ASCII (abc123)."""
    return unicodedata.normalize("NFKC", text).lower()


def _keep(token: str) -> bool:
    return 0 < len(token) <= MAX_TOKEN_CHARS and any(ch.isalnum() for ch in token)


#: A whole whitespace-separated token of at most MAX_TOKEN_CHARS characters holding a letter or a
#: digit (``[^\W_]`` is exactly ``str.isalnum``): ``_keep`` over a joined text in one pass.
_KEPT = re.compile(rf"(?<!\S)(?=\S*?[^\W_])\S{{1,{MAX_TOKEN_CHARS}}}(?!\S)")


def document_tokens(text: str) -> list[str]:
    """Tokens of a listing's text (search mode), lowercased, punctuation and spaces dropped."""
    return _document_joined(text).split() if text else []


@functools.lru_cache(maxsize=65_536)  # brands, category names and parameter values repeat a lot
def _document_joined(text: str) -> str:
    """``document_tokens`` of ``text`` joined by spaces: rjieba's tokens are joined once and the
    kept ones found by one regular expression rather than token by token."""
    return " ".join(_KEPT.findall(" ".join(segmenter().cut_for_search(normalize(text)))))


def keyword_tokens(words: Iterable[str]) -> list[str]:
    """Tokens of words indexed whole: normalised, split only at spaces ("copy paper" → copy,
    paper), not into dictionary sub-words."""
    return list(_keyword_tokens(tuple(words)))


@functools.lru_cache(maxsize=4_096)  # listings of one category share their keywords
def _keyword_tokens(words: tuple[str, ...]) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for word in words:
        for token in normalize(word).split():
            if _keep(token):
                found.setdefault(token)
    return tuple(found)


def document_text(*parts: str) -> str:
    """Space-separated tokens of ``parts``, ready for a whitespace-tokenised field."""
    return " ".join(joined for part in parts if part and (joined := _document_joined(part)))


@dataclass(frozen=True)
class QueryWord:
    """One word of a query. It matches a listing holding ``word``, or — when ``parts`` is not empty —
    holding every one of ``parts`` (the word split into shorter dictionary words), or holding every
    token of one of ``alternatives`` (synonyms, narrower words, spelling corrections: see
    ``synonyms.alternatives``)."""

    word: str
    parts: tuple[str, ...] = ()
    alternatives: tuple[tuple[str, ...], ...] = ()


def _parts(word: str) -> tuple[str, ...]:
    """Split ``word`` into the longest shorter dictionary words that cover it end to end (skipping
    punctuation such as the hyphen of e14-gen5); () when no such split exists (打印机 → 打印/印机 would
    overlap, so it has none)."""
    if len(word) < 3:
        return ()
    pieces = {p.lower() for p in segmenter().cut_for_search(word)} - {word}
    pieces = {p for p in pieces if _keep(p)}
    if not pieces:
        return ()
    longest = max(len(p) for p in pieces)
    found: list[str] = []
    i = 0
    while i < len(word):
        if not word[i].isalnum():
            i += 1
            continue
        for size in range(min(longest, len(word) - i), 0, -1):
            if word[i : i + size] in pieces:
                found.append(word[i : i + size])
                i += size
                break
        else:
            return ()
    return tuple(found) if len(found) >= 2 else ()


def _tokens(text: str) -> list[str]:
    """Precise-mode tokens of ``text``, lowercased, deduplicated in order."""
    words: list[str] = []
    for token in segmenter().cut(normalize(text)):
        token = token.strip()
        if _keep(token) and token not in words:
            words.append(token)
    return words


@functools.lru_cache(maxsize=16_384)
def _alternatives(word: str) -> tuple[tuple[str, ...], ...]:
    """The token tuples a query word may also match: each synonym or correction as its tokens (a
    phrase as all its words). Alternatives are matched whole, not in parts: listings carry the
    synonyms of their category names whole (``synonyms.index_terms``), and each part would be one
    more clause in every query with the word."""
    found: list[tuple[str, ...]] = []
    for alternative in synonyms.alternatives(word):
        tokens = tuple(_tokens(alternative))
        if tokens and tokens not in found and tokens != (word,):
            found.append(tokens)
    return tuple(found)


@functools.lru_cache(maxsize=16_384)
def _query_word(word: str) -> QueryWord:
    if " " in word:  # a phrase of the synonym dictionary: its words are its parts
        return QueryWord(word, tuple(word.split()), _alternatives(word))
    return QueryWord(word, _parts(word), _alternatives(word))


@functools.cache
def _phrases() -> dict[tuple[str, ...], str]:
    """The dictionary's several-word entries ("copy paper") by their tokens."""
    found = {}
    for entry in synonyms.dictionary().words():
        if " " in entry:
            tokens = tuple(_tokens(entry))
            if len(tokens) > 1:
                found[tokens] = " ".join(tokens)
    return found


def _join_phrases(words: list[str]) -> list[str]:
    """Adjacent words that form a phrase of the dictionary become one word (longest first), so
    "car repair" finds what 汽车维修 finds rather than needing both English words."""
    phrases = _phrases()
    longest = max((len(p) for p in phrases), default=1)
    out: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 1, -1):
            phrase = phrases.get(tuple(words[i : i + size]))
            if phrase:
                out.append(phrase)
                i += size
                break
        else:
            out.append(words[i])
            i += 1
    return out


@functools.lru_cache(maxsize=4_096)
def _slip_word(typed: str, meant: str) -> QueryWord:
    """A span typed with a wrong character of the same sound (``homophones``): it matches what it
    says, or what the dictionary word it was typed for matches."""
    found: list[tuple[str, ...]] = []
    for tokens in (tuple(_tokens(meant)), *_alternatives(meant)):
        if tokens and tokens not in found:
            found.append(tokens)
    return QueryWord(typed, (), tuple(found))


def _words(text: str) -> list[str | QueryWord]:
    """The query's words in order: plain words (phrases joined), and typing slips already made into
    their ``QueryWord``."""
    normal = normalize(text)
    out: list[str | QueryWord] = []
    at = 0
    for slip in homophones.slips(normal):
        out.extend(_join_phrases(_tokens(normal[at : slip.start])))
        out.append(_slip_word(normal[slip.start : slip.end], slip.word))
        at = slip.end
    out.extend(_join_phrases(_tokens(normal[at:])))
    return out


def query_words(text: str) -> list[QueryWord]:
    """The words of a query (precise mode), lowercased, deduplicated in order; stop words are dropped
    unless nothing else is left. Every word must match (AND); a word matches in any of its
    ``QueryWord.options``. A Chinese word typed with a wrong character of the same sound also
    matches the word it was typed for (``homophones``)."""
    if not text or not text.strip():
        return []
    words = _words(text)
    meaningful = [w for w in words if not isinstance(w, str) or w not in STOPWORDS]
    found: dict[str, QueryWord] = {}
    for word in meaningful or words:
        query_word = word if isinstance(word, QueryWord) else _query_word(word)
        found.setdefault(query_word.word, query_word)
    return list(found.values())
