"""Names given to served uploads: the uploader's name, cleaned (see core.downloads)."""

import pytest

from core.downloads import MAX_NAME_CHARS, ascii_fallback, content_disposition, safe_filename


@pytest.mark.parametrize(
    ("name", "extension", "expected"),
    [
        ("../../../../tmp/x.png", "png", "x.png"),
        ("..\\..\\windows\\a\"b'c.pdf", "pdf", "abc.pdf"),
        ("C:\\Users\\张三\\验收单.PDF", "pdf", "验收单.PDF"),
        ("报告\x00\x1f\u202egpj.pdf", "pdf", "报告gpj.pdf"),
        ("a\r\nContent-Type: text-html.png", "png", "a Content-Type text-html.png"),
        ("invoice.html", "pdf", "invoice.html.pdf"),
        ("photo.JPEG", "jpg", "photo.JPEG"),
        ("..", "png", "download.png"),
        ("", "pdf", "download.pdf"),
        (None, "", "download"),
        ("  . hidden . ", "", "hidden"),
    ],
)
def test_names_are_cleaned(name, extension, expected):
    assert safe_filename(name, extension) == expected


def test_long_names_are_cut_but_keep_their_extension():
    name = safe_filename("验" * 500 + ".pdf", "pdf")
    assert len(name) == MAX_NAME_CHARS and name.endswith("验.pdf")


def test_the_header_has_an_ascii_name_and_the_exact_one():
    assert ascii_fallback("验收单 2026.pdf") == "2026.pdf"
    assert ascii_fallback("验收单.pdf") == "download.pdf"
    assert content_disposition("报告 1.pdf") == (
        "attachment; filename=\"1.pdf\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A%201.pdf"
    )
    assert content_disposition("a.png", inline=True).startswith('inline; filename="a.png"; ')
