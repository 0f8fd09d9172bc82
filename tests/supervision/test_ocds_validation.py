"""Disclosure (SUP-5): the packages the mall publishes — release packages, record packages with
their compiled releases and the daily bulk file, for a direct order, an auction award, a volume
purchase split by purchaser, a framework solicitation and its call-off, payments and a ruling's
amendment — are valid OCDS 1.1, checked by libcoveocds 0.17.0 against the OCDS 1.1.5 schema kept
in the repository (``supervision/disclosure/ocds_schema``, Open Contracting Partnership, Apache
2.0), with the network shut: any schema error, closed-codelist value or field outside the core
schema fails the test."""

from __future__ import annotations

import json
import socket
import zipfile

import jsonref
import pytest
from libcoveocds import api as libcoveocds_api
from libcoveocds.config import LibCoveOCDSConfig

from core import clock
from supervision.disclosure import jsontext, service
from supervision.disclosure.api import SCHEMA_ZIP
from tests.supervision import ocds_events

P = "ocds-xxxxxx-"


def _from_zip(uri: str, **_: object) -> dict:
    """The schemas a record package refers to by URL, read from the kept copy instead."""
    name = uri.split("#", 1)[0].rsplit("/", 1)[-1]
    with zipfile.ZipFile(SCHEMA_ZIP) as archive:
        return json.loads(archive.read(f"standard-1__1__5/schema/{name}"))


@pytest.fixture
def offline(monkeypatch):
    """No connection leaves the process; jsonref resolves the schema's URLs from the zip."""

    def refuse(self, address):  # type: ignore[no-untyped-def]
        raise OSError(f"the validation must not use the network ({address})")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    replace = jsonref.replace_refs
    monkeypatch.setattr(
        jsonref, "replace_refs", lambda obj, **kw: replace(obj, **{"loader": _from_zip, **kw})
    )


def validate(package: dict, tmp_path, record: bool = False) -> dict:
    config = LibCoveOCDSConfig({"standard_zip": SCHEMA_ZIP.resolve().as_uri(), "context": "api"})
    return libcoveocds_api.ocds_json_output(
        str(tmp_path),
        json_data=package,
        schema_version="1.1",
        lib_cove_ocds_config=config,
        record_pkg=record,
    )


def problems(context: dict) -> dict:
    return {
        key: context[key]
        for key in (
            "validation_errors",
            "additional_closed_codelist_values",
            "additional_fields",
            "json_deref_error",
        )
        if context.get(key)
    }


@pytest.fixture
def published(app_ctx, session):
    made = ocds_events.everything(session)
    while service.update(session, batch=50):
        pass
    yield made
    clock.unfreeze()


def _get(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return jsontext.loads(response.get_data())


def test_the_checker_finds_errors_offline(offline, tmp_path):
    """The planted case: a string amount, an award status outside its closed codelist and a field
    outside the core schema are each reported, with the network shut."""
    package = {
        "uri": "https://mall.example/p",
        "version": "1.1",
        "publishedDate": "2026-11-02T10:00:00+08:00",
        "publisher": {"name": "x"},
        "releases": [
            {
                "ocid": P + "1",
                "id": "1",
                "date": "2026-11-02T10:00:00+08:00",
                "tag": ["award"],
                "initiationType": "tender",
                "awards": [
                    {"id": "a", "status": "won", "value": {"amount": "1.00", "currency": "CNY"}}
                ],
                "phone": "13912345678",
            }
        ],
    }
    found = problems(validate(package, tmp_path))
    assert set(found) == {
        "validation_errors",
        "additional_closed_codelist_values",
        "additional_fields",
    }


def test_release_packages_and_the_daily_file_are_valid_ocds(published, offline, client, tmp_path):
    """SUP-5: the window's release package (every source) and the day's bulk file."""
    window = _get(
        client,
        "/api/public/ocds/releases?from=2026-11-02T00:00:00&to=2026-11-03T00:00:00&per_page=500",
    )
    tags = {tag for release in window["releases"] for tag in release["tag"]}
    assert {"tender", "award", "contract", "implementation", "contractAmendment"} <= tags
    assert problems(validate(window, tmp_path)) == {}
    bulk = _get(client, "/api/public/ocds/bulk/2026-11-02.json")
    assert problems(validate(bulk, tmp_path)) == {}


@pytest.mark.parametrize(
    "which",
    ["direct", "auction", "pool", "framework", "calloff", "ruling"],
)
def test_record_packages_with_compiled_releases_are_valid_ocds(
    published, offline, client, tmp_path, which
):
    """SUP-5: each process's record package and its compiled release."""
    numbers = {
        "direct": published["direct"]["number"],
        "auction": published["auction"]["number"],
        "pool": published["pool"]["number"],
        "framework": published["framework"]["framework"],
        "calloff": published["framework"]["calloff"],
        "ruling": published["ruling"]["number"],
    }
    package = _get(client, f"/api/public/ocds/records/{P}{numbers[which]}")
    assert package["records"][0]["compiledRelease"]["tag"] == ["compiled"]
    assert problems(validate(package, tmp_path, record=True)) == {}
