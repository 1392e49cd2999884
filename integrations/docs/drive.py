"""Google Drive as a docs source: ``files.list`` with a query, Google Docs exported as Markdown (plain text
as a fallback), PDFs, Markdown, text and HTML files downloaded, each file's sharing kept as its access list.

Sync is incremental by ``modifiedTime``: listing is metadata only (one request per 1,000 files) and a file is
downloaded again only when its modification time, checksum, name or sharing changed; files gone from the
listing (deleted, trashed, unshared) are deleted from the index. The client is google-api-python-client with an
injectable ``http``, so tests drive it with ``HttpMockSequence`` or the ``FakeDriveHttp`` below.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from integrations.docs.base import Access, SkipFile, SourceDocument
from integrations.docs.formats import DEFAULT_MAX_BYTES, parse_bytes
from integrations.docs.sources import SourceEntry, _hash, _parse_time
from integrations.errors import BackendUnavailableError

log = logging.getLogger(__name__)

DRIVE_SCOPES = ("https://www.googleapis.com/auth/drive.readonly",)
GOOGLE_DOC = "application/vnd.google-apps.document"
FOLDER = "application/vnd.google-apps.folder"
_DOWNLOADABLE = {
    "application/pdf": ".pdf",
    "text/markdown": ".md",
    "text/x-markdown": ".md",
    "text/plain": ".txt",
    "text/html": ".html",
}
_FIELDS = (
    "nextPageToken, files(id, name, mimeType, modifiedTime, webViewLink, size, md5Checksum, parents, trashed,"
    " permissions(type, role, emailAddress, domain))"
)


def drive_service(*, credentials: Any = None, http: Any = None) -> Any:
    """A Drive v3 client from the bundled discovery document (no network until a request is made)."""
    from googleapiclient.discovery import build

    return build("drive", "v3", credentials=credentials, http=http, static_discovery=True, cache_discovery=False)


def drive_credentials(key_file: Path, *, subject: str | None = None) -> Any:
    """Read-only Drive credentials: a service-account key (impersonating ``subject`` through domain-wide
    delegation) or an authorized-user token file written by an OAuth consent flow."""
    raw = json.loads(Path(key_file).read_text(encoding="utf-8"))
    if raw.get("type") == "service_account":
        from google.oauth2 import service_account

        creds = service_account.Credentials.from_service_account_info(raw, scopes=list(DRIVE_SCOPES))
        return creds.with_subject(subject) if subject else creds
    from google.oauth2.credentials import Credentials

    return Credentials.from_authorized_user_info(raw, scopes=list(DRIVE_SCOPES))


def access_from_permissions(permissions: Sequence[dict[str, Any]] | None, *, workspace_domain: str | None) -> Access:
    """Drive sharing → access: anyone (or the workspace's domain) → public; users and groups → readers.

    A file whose permissions the caller cannot see is private to nobody: it is indexed but only an operator
    (``--as`` on the command line) retrieves it, never a Slack user.
    """
    readers: list[str] = []
    for perm in permissions or []:
        kind = perm.get("type")
        if kind == "anyone":
            return Access()
        if kind == "domain":
            domain = str(perm.get("domain") or "").lower()
            if workspace_domain is None or domain == workspace_domain.lower():
                return Access()
        elif kind in ("user", "group") and perm.get("emailAddress"):
            readers.append(str(perm["emailAddress"]))
    return Access.private(readers)


class DriveSource:
    """Files matching a Drive query (``'FOLDER_ID' in parents and trashed = false``, ...)."""

    kind = "drive"

    def __init__(
        self,
        service: Any,
        *,
        query: str = "trashed = false",
        workspace_domain: str | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        page_size: int = 1000,
        resolve_paths: bool = True,
    ) -> None:
        self.service = service
        self.query = query
        self.origin = f"drive:{query}"
        self.workspace_domain = workspace_domain
        self.max_bytes = max_bytes
        self.page_size = page_size
        self.resolve_paths = resolve_paths
        self._folders: dict[str, tuple[str, list[str]]] = {}

    def _execute(self, request: Any, what: str) -> Any:
        from googleapiclient.errors import HttpError

        try:
            return request.execute(num_retries=2)
        except HttpError as exc:
            status = getattr(exc.resp, "status", 0)
            raise BackendUnavailableError(f"Google Drive refused {what} (HTTP {status})") from exc
        except OSError as exc:
            raise BackendUnavailableError(f"Google Drive is unreachable ({exc})") from exc

    def list_files(self) -> list[dict[str, Any]]:
        """Every file the query matches (folders excluded), metadata only."""
        files: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            request = self.service.files().list(
                q=self.query,
                pageSize=self.page_size,
                pageToken=token,
                fields=_FIELDS,
                supportsAllDrives=True,
                includeItemsFromAllDrives=True,
            )
            page = self._execute(request, "the file listing")
            files += [f for f in page.get("files", []) if f.get("mimeType") != FOLDER and not f.get("trashed")]
            token = page.get("nextPageToken")
            if not token:
                return files

    def entries(self) -> Iterator[SourceEntry | tuple[str, SkipFile]]:
        """Each supported file with a fingerprint of its modification time, checksum, name and sharing."""
        for meta in self.list_files():
            name = str(meta.get("name") or meta["id"])
            mime = str(meta.get("mimeType") or "")
            if mime != GOOGLE_DOC and mime not in _DOWNLOADABLE:
                yield (name, SkipFile(f"unsupported Drive file type {mime}"))
                continue
            size = int(meta.get("size") or 0)
            if size > self.max_bytes:
                yield (name, SkipFile(f"too large ({size / 1048576:.1f} MB)"))
                continue
            perms = sorted(json.dumps(p, sort_keys=True) for p in meta.get("permissions") or [])
            fingerprint = _hash(str(meta.get("modifiedTime")), str(meta.get("md5Checksum") or ""), name, *perms)
            yield SourceEntry(id=f"drive:{meta['id']}", fingerprint=fingerprint, label=name, handle=meta)

    def _download(self, meta: dict[str, Any]) -> tuple[bytes, str]:
        files = self.service.files()
        if meta.get("mimeType") == GOOGLE_DOC:
            try:
                data = self._execute(files.export(fileId=meta["id"], mimeType="text/markdown"), "a Markdown export")
                return _as_bytes(data), ".md"
            except BackendUnavailableError:
                # Older Drive deployments lack the Markdown export; plain text keeps paragraphs and lists.
                data = self._execute(files.export(fileId=meta["id"], mimeType="text/plain"), "a text export")
                return _as_bytes(data), ".txt"
        data = self._execute(files.get_media(fileId=meta["id"], supportsAllDrives=True), "a download")
        return _as_bytes(data), _DOWNLOADABLE[str(meta.get("mimeType"))]

    def _path(self, meta: dict[str, Any]) -> str:
        if not self.resolve_paths:
            return str(meta.get("name") or "")
        names: list[str] = []
        parents = list(meta.get("parents") or [])
        for _ in range(10):
            if not parents:
                break
            parent = parents[0]
            if parent not in self._folders:
                try:
                    got = self._execute(
                        self.service.files().get(fileId=parent, fields="id, name, parents", supportsAllDrives=True),
                        "a folder lookup",
                    )
                except BackendUnavailableError:
                    break
                self._folders[parent] = (str(got.get("name") or parent), list(got.get("parents") or []))
            name, parents = self._folders[parent]
            names.insert(0, name)
        return "/".join([*names, str(meta.get("name") or "")])

    def load(self, entry: SourceEntry) -> SourceDocument:
        """Download (or export) one file and parse it."""
        meta: dict[str, Any] = entry.handle
        data, suffix = self._download(meta)
        if len(data) > self.max_bytes:
            raise SkipFile(f"too large ({len(data) / 1048576:.1f} MB)")
        if not data.strip():
            raise SkipFile("empty file")
        parsed = parse_bytes(data, suffix)
        title = re.sub(r"\.(md|markdown|txt|pdf|html?)$", "", str(meta.get("name") or ""), flags=re.I)
        return SourceDocument(
            id=entry.id,
            title=title or parsed.title or entry.id,
            text=parsed.text,
            source=self.kind,
            path=self._path(meta),
            link=str(meta.get("webViewLink") or f"https://drive.google.com/file/d/{meta['id']}/view"),
            updated_at=_parse_time(meta.get("modifiedTime")),
            access=access_from_permissions(meta.get("permissions"), workspace_domain=self.workspace_domain),
            content_hash=entry.fingerprint,
        )


def _as_bytes(data: Any) -> bytes:
    if isinstance(data, bytes):
        return data
    if isinstance(data, str):
        return data.encode("utf-8")
    return json.dumps(data).encode("utf-8")


# -- a local fake, for tests and offline demos ----------------------------------------------------------------
class _Response(dict[str, str]):
    """What httplib2 returns as response headers (a dict with a ``status``)."""

    def __init__(self, status: int, content_type: str = "application/json") -> None:
        super().__init__({"status": str(status), "content-type": content_type})
        self.status = status
        self.reason = "OK" if status < 400 else "Error"


class FakeDriveHttp:
    """An ``httplib2.Http`` stand-in answering the Drive v3 calls DriveSource makes, from an in-memory store.

    ``files`` maps file id → ``{"name", "mimeType", "modifiedTime", "content" (bytes or str), "permissions",
    "parents"}``; folders are files with the folder mime type. Edit it between syncs to simulate changes.
    ``requests`` records (method, path, params) for assertions.
    """

    def __init__(self, files: dict[str, dict[str, Any]] | None = None, *, page_size: int | None = None) -> None:
        self.files: dict[str, dict[str, Any]] = files or {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.page_size = page_size
        self.fail_exports_as: set[str] = set()
        """Export mime types to answer with HTTP 400 (to exercise the plain-text fallback)."""

    def _meta(self, file_id: str) -> dict[str, Any]:
        f = self.files[file_id]
        content = f.get("content", b"")
        size = len(content.encode() if isinstance(content, str) else content)
        return {
            "id": file_id,
            "name": f.get("name", file_id),
            "mimeType": f.get("mimeType", "text/plain"),
            "modifiedTime": f.get("modifiedTime", "2026-01-01T00:00:00.000Z"),
            "webViewLink": f"https://docs.google.com/document/d/{file_id}/edit",
            "size": str(size),
            "parents": list(f.get("parents", [])),
            "trashed": bool(f.get("trashed", False)),
            "permissions": list(f.get("permissions", [{"type": "domain", "role": "reader", "domain": "example.com"}])),
        }

    def request(self, uri: str, method: str = "GET", body: Any = None, headers: Any = None, **_: Any) -> Any:
        """Route one request."""
        parsed = urlparse(uri)
        params = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        path = unquote(parsed.path)
        self.requests.append((method, path, params))
        match = re.search(r"/drive/v3/files(?:/([^/]+))?(/export)?$", path)
        if not match:
            return _Response(404), b'{"error": {"code": 404, "message": "not found"}}'
        file_id, export = match.group(1), match.group(2)
        if file_id is None:
            return self._list(params)
        if file_id not in self.files:
            return _Response(404), b'{"error": {"code": 404, "message": "File not found"}}'
        f = self.files[file_id]
        content = f.get("content", b"")
        data = content.encode() if isinstance(content, str) else content
        if export:
            if params.get("mimeType") in self.fail_exports_as:
                return _Response(400), b'{"error": {"code": 400, "message": "export format not supported"}}'
            return _Response(200, params.get("mimeType", "text/plain")), data
        if params.get("alt") == "media":
            return _Response(200, f.get("mimeType", "application/octet-stream")), data
        return _Response(200), json.dumps(self._meta(file_id)).encode()

    def _list(self, params: dict[str, str]) -> Any:
        query = params.get("q", "")
        ids = sorted(self.files)
        parent = re.search(r"'([^']+)' in parents", query)
        if parent:
            ids = [i for i in ids if parent.group(1) in self.files[i].get("parents", [])]
        if "trashed = false" in query or "trashed=false" in query:
            ids = [i for i in ids if not self.files[i].get("trashed")]
        size = self.page_size or int(params.get("pageSize", "100"))
        start = int(params.get("pageToken") or 0)
        page = ids[start : start + size]
        out: dict[str, Any] = {"files": [self._meta(i) for i in page]}
        if start + size < len(ids):
            out["nextPageToken"] = str(start + size)
        return _Response(200), json.dumps(out).encode()
