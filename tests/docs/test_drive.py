"""Google Drive as a source, against a local fake of the Drive v3 API (and HttpMockSequence)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from integrations.docs.base import EVERYONE, Viewer
from integrations.docs.drive import (
    FOLDER,
    GOOGLE_DOC,
    DriveSource,
    FakeDriveHttp,
    access_from_permissions,
    drive_service,
)
from integrations.docs.index import SqliteDocsIndex
from integrations.docs.ingest import ingest
from tests.docs.conftest import HANDBOOK

DOMAIN = "kestrel.example"


def _files() -> dict[str, dict[str, Any]]:
    return {
        "f-handbook": {"name": "Handbook", "mimeType": FOLDER},
        "d-leave": {
            "name": "Leave policy",
            "mimeType": GOOGLE_DOC,
            "content": "# Leave\n\n## Entitlement\n\nEveryone gets 27 days of annual leave.",
            "parents": ["f-handbook"],
            "modifiedTime": "2026-10-01T09:00:00.000Z",
            "permissions": [{"type": "domain", "role": "reader", "domain": DOMAIN}],
        },
        "p-purchasing": {
            "name": "purchasing.pdf",
            "mimeType": "application/pdf",
            "content": (HANDBOOK / "finance" / "purchasing-and-software.pdf").read_bytes(),
            "parents": ["f-handbook"],
            "permissions": [{"type": "anyone", "role": "reader"}],
        },
        "m-bands": {
            "name": "Salary bands.md",
            "mimeType": "text/markdown",
            "content": "# Bands\n\nSenior engineers: 72,000 to 90,000 EUR.",
            "permissions": [
                {"type": "user", "role": "writer", "emailAddress": "Lena@kestrel.example"},
                {"type": "domain", "role": "reader", "domain": "partner.example"},
            ],
        },
        "x-sheet": {"name": "Budget", "mimeType": "application/vnd.google-apps.spreadsheet"},
    }


@pytest.fixture
def fake() -> FakeDriveHttp:
    """A Drive with a folder, a Google Doc, a PDF, a private Markdown file and a spreadsheet."""
    return FakeDriveHttp(_files(), page_size=2)


def _source(fake: FakeDriveHttp) -> DriveSource:
    return DriveSource(drive_service(http=fake), workspace_domain=DOMAIN)


def test_sync_exports_downloads_and_keeps_permissions(fake: FakeDriveHttp) -> None:
    """Docs are exported as Markdown, PDFs and Markdown downloaded, sharing mapped to access; pages are followed."""
    index = SqliteDocsIndex(None)
    report = ingest(index, _source(fake))
    assert report.count("added") == 3
    assert [line.detail for line in report.lines if line.status == "skipped"] == [
        "unsupported Drive file type application/vnd.google-apps.spreadsheet"
    ]
    exports = [p for m, path, p in fake.requests if path.endswith("/export")]
    assert exports == [{"mimeType": "text/markdown"}]
    leave = index.get_document("drive:d-leave", viewer=EVERYONE)
    assert leave is not None and leave.access.public and leave.path == "Handbook/Leave policy"
    assert leave.link == "https://docs.google.com/document/d/d-leave/edit"
    assert leave.updated_at is not None and leave.updated_at.month == 10
    lena = Viewer(user_id="U0LENA", email="lena@kestrel.example", private_context=True)
    tom = Viewer(user_id="U0TOM", email="tom@kestrel.example", private_context=True)
    assert index.search("senior engineer salary band", viewer=lena).hits[0].doc_id == "drive:m-bands"
    assert "drive:m-bands" not in [h.doc_id for h in index.search("senior engineer salary band", viewer=tom).hits]
    assert index.search("company card personal purchases", viewer=tom).hits[0].doc_id == "drive:p-purchasing"


def test_incremental_sync_by_modified_time(fake: FakeDriveHttp) -> None:
    """A second sync downloads only files whose modifiedTime changed, and removes files gone from Drive."""
    index = SqliteDocsIndex(None)
    ingest(index, _source(fake))
    fake.requests.clear()
    fake.files["d-leave"]["content"] = "# Leave\n\nEveryone gets 30 days of annual leave."
    fake.files["d-leave"]["modifiedTime"] = "2026-11-01T09:00:00.000Z"
    del fake.files["m-bands"]
    fake.files["p-purchasing"]["trashed"] = True
    report = ingest(index, _source(fake))
    statuses = {line.doc_id: line.status for line in report.lines}
    assert statuses["drive:d-leave"] == "updated"
    assert statuses["drive:m-bands"] == "deleted" and statuses["drive:p-purchasing"] == "deleted"
    downloads = [path for _, path, params in fake.requests if path.endswith("/export") or params.get("alt") == "media"]
    assert downloads == ["/drive/v3/files/d-leave/export"]
    assert "30 days" in index.search("annual leave days", viewer=EVERYONE).hits[0].chunks[0].text


def test_permission_change_reindexes(fake: FakeDriveHttp) -> None:
    """Unsharing a file changes its fingerprint: it is re-read and its new access applies at once."""
    index = SqliteDocsIndex(None)
    ingest(index, _source(fake))
    fake.files["d-leave"]["permissions"] = [{"type": "user", "role": "reader", "emailAddress": "maya@kestrel.example"}]
    ingest(index, _source(fake))
    channel = Viewer(user_id="U0TOM", private_context=False)
    assert "drive:d-leave" not in [h.doc_id for h in index.search("annual leave days", viewer=channel).hits]


def test_markdown_export_falls_back_to_text(fake: FakeDriveHttp) -> None:
    """When Drive refuses the Markdown export, the plain-text export is used."""
    fake.fail_exports_as.add("text/markdown")
    index = SqliteDocsIndex(None)
    report = ingest(index, _source(fake))
    assert {line.doc_id: line.status for line in report.lines}["drive:d-leave"] == "added"
    assert [p["mimeType"] for _, path, p in fake.requests if path.endswith("/export")] == [
        "text/markdown",
        "text/plain",
    ]


def test_listing_failure_changes_nothing(fake: FakeDriveHttp) -> None:
    """If Drive cannot be listed the sync stops before deleting anything."""
    from integrations.errors import BackendUnavailableError

    index = SqliteDocsIndex(None)
    ingest(index, _source(fake))

    class Broken(FakeDriveHttp):
        def request(self, uri: str, method: str = "GET", body: Any = None, headers: Any = None, **kw: Any) -> Any:
            from integrations.docs.drive import _Response

            return _Response(503), b'{"error": {"code": 503, "message": "unavailable"}}'

    with pytest.raises(BackendUnavailableError):
        ingest(index, DriveSource(drive_service(http=Broken()), workspace_domain=DOMAIN))
    assert index.count_documents() == 3


def test_access_mapping() -> None:
    """anyone and the workspace domain are public; users and groups become readers; other domains grant nothing."""
    assert access_from_permissions([{"type": "anyone"}], workspace_domain=DOMAIN).public
    assert access_from_permissions([{"type": "domain", "domain": DOMAIN}], workspace_domain=DOMAIN).public
    private = access_from_permissions(
        [{"type": "group", "emailAddress": "HR@kestrel.example"}, {"type": "domain", "domain": "other.example"}],
        workspace_domain=DOMAIN,
    )
    assert not private.public and private.readers == ["hr@kestrel.example"]
    assert not access_from_permissions(None, workspace_domain=DOMAIN).public


def test_with_http_mock_sequence(tmp_path: Path) -> None:
    """The same client works with googleapiclient's HttpMockSequence (scripted responses, in order)."""
    from googleapiclient.http import HttpMockSequence

    listing = {
        "files": [
            {
                "id": "t1",
                "name": "notes.txt",
                "mimeType": "text/plain",
                "modifiedTime": "2026-01-01T00:00:00Z",
                "permissions": [{"type": "anyone"}],
            }
        ]
    }
    http = HttpMockSequence([({"status": "200"}, json.dumps(listing)), ({"status": "200"}, "Printers are on floor 2.")])
    source = DriveSource(drive_service(http=http), resolve_paths=False)
    index = SqliteDocsIndex(None)
    report = ingest(index, source)
    assert report.count("added") == 1
    assert index.search("where are printers", viewer=EVERYONE).hits[0].doc_id == "drive:t1"
