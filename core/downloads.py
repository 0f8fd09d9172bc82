"""Serving uploaded files: one way for every endpoint that hands back what a user uploaded.

An uploaded file is served under the name its uploader gave it only after that name is cleaned
(last path part only, no control characters, quotes or path separators, limited length, the
extension of the type the content was verified as), in an RFC 6266 ``Content-Disposition`` with an
ASCII ``filename=`` fallback and the exact name in ``filename*=UTF-8''…``. Documents are always
``attachment``; verified images shown in ``<img>`` tags may be ``inline``. Either way the browser is
told not to guess the type (``X-Content-Type-Options: nosniff``) and, should it render the file as a
page, to render it in a sandbox with nothing allowed (``Content-Security-Policy: sandbox``).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from urllib.parse import quote

from flask import Response, send_from_directory

#: The longest name a download is given, in characters (extension included).
MAX_NAME_CHARS = 120
#: The policy of every served upload: a sandboxed document that may load nothing.
DOWNLOAD_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'"
#: Characters never kept in a name: path separators, quotes and what file systems refuse.
_REFUSED = frozenset("/\\\"'`<>:|?*;")
#: Extensions that name the same verified type.
_SAME_TYPE = {"jpg": ("jpg", "jpeg"), "jpeg": ("jpg", "jpeg")}


def _clean_char(ch: str) -> str:
    """A space for a line break, tab or any kind of space; nothing for a control or format
    character (such as a right-to-left override) or a refused one; else the character."""
    kind = unicodedata.category(ch)
    if ch in "\t\n\r" or kind.startswith("Z"):
        return " "
    return "" if ch in _REFUSED or kind.startswith("C") else ch


def safe_filename(name: str | None, extension: str = "", default: str = "download") -> str:
    """``name`` fit to give to a browser: its last path part, without control characters, quotes
    or separators, at most :data:`MAX_NAME_CHARS` long, ending in ``.extension`` when one is given
    (so a file verified as a PDF is not saved as ``.html``)."""
    text = unicodedata.normalize("NFC", name or "")
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(_clean_char(ch) for ch in text)
    text = re.sub(r" {2,}", " ", text).strip(" .")
    extension = extension.lower().lstrip(".")
    stem = text
    if extension:
        base, dot, ext = text.rpartition(".")
        if dot and ext.lower() in _SAME_TYPE.get(extension, (extension,)):
            stem, extension = base.rstrip(" ."), ext
    stem = stem or default
    suffix = f".{extension}" if extension else ""
    return stem[: MAX_NAME_CHARS - len(suffix)].rstrip(" .") + suffix or default


def ascii_fallback(name: str, default: str = "download") -> str:
    """An ASCII form of an already safe name, for clients that do not read ``filename*``."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""

    def simple(text: str) -> str:
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
        text = re.sub(r"[^A-Za-z0-9 ._()+=@,&#$!~-]", "_", text)
        return re.sub(r"_{2,}", "_", text).strip(" ._")

    stem, ext = simple(stem) or default, simple(ext)
    return f"{stem}.{ext}" if ext else stem


def content_disposition(name: str, inline: bool = False) -> str:
    """An RFC 6266 header value for a safe ``name``: ASCII ``filename`` and UTF-8 ``filename*``."""
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


def send_upload(
    directory: str | Path,
    stored_name: str,
    content_type: str,
    original_name: str | None,
    inline: bool = False,
) -> Response:
    """Serve the stored file ``directory/stored_name`` (whose content was verified as
    ``content_type`` when it was uploaded) under a cleaned form of ``original_name``.

    ``inline`` only for verified images shown in pages; everything else is an attachment."""
    extension = Path(stored_name).suffix.lstrip(".")
    name = safe_filename(original_name, extension)
    response = send_from_directory(directory, stored_name, mimetype=content_type)
    response.headers["Content-Disposition"] = content_disposition(name, inline=inline)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.headers["Cache-Control"] = "private, no-store"
    return response
