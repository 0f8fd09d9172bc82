"""Acceptance attachments (MALL-5, 履约验收): the purchaser adds a signed report or photos to a delivered
order; files are checked by content and size; both parties can download them, nobody else; each
file's hash is on the ledger, and the acceptance entry lists them."""

import hashlib
import json
from io import BytesIO
from urllib.parse import quote, unquote

import pytest
from sqlalchemy import select

from supervision.ledger.models import LedgerEntry
from tests.mall.conftest import advance, place, snapshot

PDF = b"%PDF-1.7\n% acceptance report\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _upload(api, order_id, data, name="验收单.pdf"):
    return api.client.post(
        f"/api/mall/orders/{order_id}/attachments",
        data={"file": (BytesIO(data), name)},
        headers={"X-CSRF-Token": api.csrf},
        content_type="multipart/form-data",
    )


def test_attachments_go_with_the_acceptance(shop, session):
    (order,) = place(shop)
    early = _upload(shop.purchaser, order["id"], PDF)
    assert early.status_code == 409 and early.get_json()["code"] == "bad_status"
    advance(shop, order["id"], "delivered")
    added = _upload(shop.purchaser, order["id"], PDF)
    assert added.status_code == 201, added.get_json()
    body = added.get_json()
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["content_type"] == "application/pdf" and body["original_name"] == "验收单.pdf"
    assert _upload(shop.purchaser, order["id"], PNG, "到货照片.png").status_code == 201

    accepted = advance(shop, order["id"], "accepted")
    assert [a["original_name"] for a in accepted["attachments"]] == ["验收单.pdf", "到货照片.png"]
    session.expire_all()
    entry = session.scalars(
        select(LedgerEntry).where(
            LedgerEntry.subject_type == "order",
            LedgerEntry.subject_id == str(order["id"]),
            LedgerEntry.action == "order.accepted",
        )
    ).one()
    assert json.loads(entry.payload)["attachments"] == [
        hashlib.sha256(PDF).hexdigest(),
        hashlib.sha256(PNG).hexdigest(),
    ]
    download = shop.supplier.get(f"/api/mall/orders/{order['id']}/attachments/{body['id']}")
    assert download.status_code == 200 and download.data == PDF


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"MZ\x90\x00 not a document", "bad_file_type"), (b"", "bad_file_size")],
)
def test_bad_files_are_refused_and_write_nothing(shop, session, data, code):
    (order,) = place(shop)
    advance(shop, order["id"], "delivered")
    before = snapshot(session)
    refused = _upload(shop.purchaser, order["id"], data, "x.exe")
    assert refused.status_code == 422 and refused.get_json()["code"] == code
    assert snapshot(session) == before


def test_only_the_parties_see_attachments(shop, login, session):
    (order,) = place(shop)
    advance(shop, order["id"], "delivered")
    added = _upload(shop.purchaser, order["id"], PDF).get_json()
    hospital = login("purchaser.hospital")
    assert _upload(hospital, order["id"], PDF).status_code == 403
    url = f"/api/mall/orders/{order['id']}/attachments/{added['id']}"
    assert hospital.get(url).status_code == 403
    # The supplier may read but not add.
    assert _upload(shop.supplier, order["id"], PDF).status_code == 403
    assert shop.purchaser.get(url + "0").status_code == 404


def _upload_named(api, order_id, data, name):
    """An upload whose file name is sent as RFC 2231 ``filename*``, so it may hold any character."""
    boundary = "mall-test-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f"filename*=UTF-8''{quote(name, safe='')}\r\n"
        "Content-Type: application/octet-stream\r\n\r\n"
    )
    return api.client.post(
        f"/api/mall/orders/{order_id}/attachments",
        data=head.encode() + data + f"\r\n--{boundary}--\r\n".encode(),
        headers={"X-CSRF-Token": api.csrf},
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def _disposition(response) -> tuple[str, str, str]:
    """(kind, ASCII filename, UTF-8 filename*) of a download's Content-Disposition."""
    header = response.headers["Content-Disposition"]
    kind, _, rest = header.partition(";")
    params = dict(part.strip().split("=", 1) for part in rest.split(";"))
    assert params["filename*"].startswith("UTF-8''"), header
    return kind, params["filename"], unquote(params["filename*"].removeprefix("UTF-8''"))


def test_a_downloaded_attachment_has_a_clean_name_and_is_never_shown_inline(shop, session):
    """MALL-5: a file is downloaded under its uploader's name without the path, quotes or control
    characters in it, always as an attachment, with the browser told not to sniff the type and to
    sandbox the file should it be opened."""
    (order,) = place(shop)
    advance(shop, order["id"], "delivered")
    name = "../../../../tmp/到货\"照片'\x07\r\n;.png"
    added = _upload_named(shop.purchaser, order["id"], PNG, name).get_json()
    assert added["original_name"] == name
    got = shop.supplier.get(f"/api/mall/orders/{order['id']}/attachments/{added['id']}")
    assert got.status_code == 200 and got.data == PNG
    kind, fallback, full = _disposition(got)
    assert (kind, fallback, full) == ("attachment", '"download.png"', "到货照片.png")
    assert got.headers["Content-Type"] == "image/png"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in got.headers["Content-Security-Policy"].split(";")[0]


def test_a_pdf_carrying_a_script_is_served_as_a_sandboxed_attachment(shop, session):
    """A file that starts like a PDF passes the content check whatever follows; it is served as
    a download, sandboxed, under a name that ends as the type it was checked as."""
    (order,) = place(shop)
    advance(shop, order["id"], "delivered")
    data = b"%PDF-1.4 <script>alert(document.cookie)</script>"
    added = _upload(shop.purchaser, order["id"], data, "invoice.html").get_json()
    got = shop.purchaser.get(f"/api/mall/orders/{order['id']}/attachments/{added['id']}")
    assert got.status_code == 200 and got.data == data
    assert got.headers["Content-Type"] == "application/pdf"
    assert _disposition(got) == ("attachment", '"invoice.html.pdf"', "invoice.html.pdf")
    policy = [part.strip() for part in got.headers["Content-Security-Policy"].split(";")]
    assert "sandbox" in policy and "default-src 'none'" in policy
    assert got.headers["X-Content-Type-Options"] == "nosniff"
