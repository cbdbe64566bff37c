"""What a batch reads: article files, folders, JSONL, zip and tar archives, WARC files.

Every article gets a `key`, a stable name for where it came from ("/data/a.zip!2020/x.html",
"/data/feed.jsonl#12"), the same on every run of the same command; the ledger records keys once
their article is finished. Articles carry their bytes (or text) so that a worker on another
machine needs no shared file system. A source that cannot be read becomes an `Unreadable` item,
so it is reported like any failed article instead of stopping the run.
"""
from __future__ import annotations

import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from ..input import ARTICLE_SUFFIXES, HTML_SUFFIXES

JSONL_SUFFIXES = (".jsonl",)
ZIP_SUFFIXES = (".zip",)
TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz")
WARC_SUFFIXES = (".warc", ".warc.gz")
CONTAINER_SUFFIXES = JSONL_SUFFIXES + ZIP_SUFFIXES + TAR_SUFFIXES + WARC_SUFFIXES


@dataclass(frozen=True)
class Article:
    key: str
    content: str | bytes
    source: dict[str, Any] = field(default_factory=dict)
    html: bool | None = None  # None: extract() decides from the markup


@dataclass(frozen=True)
class Unreadable:
    key: str
    reason: str
    source: dict[str, Any] = field(default_factory=dict)


Item = Article | Unreadable


def iter_items(inputs: list[Path], *, max_bytes: int) -> Iterator[Item]:
    """Every article of `inputs`, in a stable order; folders are walked recursively.

    At most `max_bytes + 1` bytes of an article are read, enough for extract() to refuse it as
    too large without holding a huge archive member in memory.
    """
    for path in inputs:
        if path.is_dir():
            for inner in sorted(p for p in path.rglob("*") if p.is_file() and _is_known(p)):
                yield from _iter_file(inner, max_bytes)
        elif path.is_file():
            yield from _iter_file(path, max_bytes)
        else:
            yield Unreadable(_key(path), "no such file or folder", {"path": str(path)})


def _suffix_in(path: Path | str, suffixes: tuple[str, ...]) -> bool:
    return str(path).lower().endswith(suffixes)


def _is_known(path: Path) -> bool:
    return _suffix_in(path, ARTICLE_SUFFIXES + CONTAINER_SUFFIXES)


def _key(path: Path) -> str:
    return path.resolve().as_posix()


def _html_flag(name: str) -> bool | None:
    return True if _suffix_in(name, HTML_SUFFIXES) else None


def _iter_file(path: Path, max_bytes: int) -> Iterator[Item]:
    """One named input; anything not a known container is read as a single article (like `extract`)."""
    if _suffix_in(path, JSONL_SUFFIXES):
        reader = _iter_jsonl
    elif _suffix_in(path, ZIP_SUFFIXES):
        reader = _iter_zip
    elif _suffix_in(path, TAR_SUFFIXES):
        reader = _iter_tar
    elif _suffix_in(path, WARC_SUFFIXES):
        reader = _iter_warc
    else:
        reader = _iter_single
    try:
        yield from reader(path, max_bytes)
    except OSError as e:
        yield Unreadable(_key(path), f"cannot read: {e}", {"path": str(path)})


def _iter_single(path: Path, max_bytes: int) -> Iterator[Item]:
    with path.open("rb") as f:
        data = f.read(max_bytes + 1)
    yield Article(_key(path), data, {"path": str(path)}, _html_flag(path.name))


def _iter_jsonl(path: Path, max_bytes: int) -> Iterator[Item]:
    """One article a line: {"text": ...} or {"html": ...}, optionally "url"."""
    base = _key(path)
    with path.open("rb") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            key, source = f"{base}#{number}", {"path": str(path), "line": number}
            try:
                obj = orjson.loads(line)
            except orjson.JSONDecodeError as e:
                yield Unreadable(key, f"line {number} is not JSON: {e}", source)
                continue
            if not isinstance(obj, dict):
                yield Unreadable(key, f"line {number} is not a JSON object", source)
                continue
            if isinstance(obj.get("url"), str):
                source["url"] = obj["url"]
            if isinstance(obj.get("html"), str):
                yield Article(key, obj["html"], source, html=True)
            elif isinstance(obj.get("text"), str):
                yield Article(key, obj["text"], source, html=False)
            else:
                yield Unreadable(key, f"line {number} has no 'text' or 'html' string", source)


def _iter_zip(path: Path, max_bytes: int) -> Iterator[Item]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as e:
        yield Unreadable(_key(path), f"not a zip archive: {e}", {"path": str(path)})
        return
    base = _key(path)
    with archive:
        for info in archive.infolist():
            if info.is_dir() or not _suffix_in(info.filename, ARTICLE_SUFFIXES):
                continue
            key, source = f"{base}!{info.filename}", {"path": str(path), "member": info.filename}
            try:
                with archive.open(info) as member:
                    data = member.read(max_bytes + 1)
            except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError) as e:
                # CRC errors, damaged deflate data, encrypted or exotic members
                yield Unreadable(key, f"cannot read archive member: {e}", source)
                continue
            yield Article(key, data, source, _html_flag(info.filename))


def _iter_tar(path: Path, max_bytes: int) -> Iterator[Item]:
    """Members read as a stream, so a .tar.gz is decompressed once, front to back."""
    base, last = _key(path), "<start>"
    try:
        with tarfile.open(path, "r|*") as archive:
            for info in archive:
                if not info.isfile() or not _suffix_in(info.name, ARTICLE_SUFFIXES):
                    continue
                member: IO[bytes] = archive.extractfile(info)  # type: ignore[assignment]
                data = member.read(max_bytes + 1)
                last = info.name
                yield Article(f"{base}!{info.name}", data, {"path": str(path), "member": info.name},
                              _html_flag(info.name))
    except (tarfile.TarError, EOFError, zlib.error) as e:
        # a truncated or damaged archive: what came before is kept, the rest is one failure
        yield Unreadable(f"{base}!*", f"archive unreadable after {last}: {e}", {"path": str(path)})


def _iter_warc(path: Path, max_bytes: int) -> Iterator[Item]:
    """HTML pages of the WARC's response records."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    base = _key(path)
    with path.open("rb") as f:
        try:
            for record in ArchiveIterator(f):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                if "html" not in (record.http_headers.get_header("Content-Type") or "").lower():
                    continue
                record_id = record.rec_headers.get_header("WARC-Record-ID")
                source = {"path": str(path), "url": record.rec_headers.get_header("WARC-Target-URI"),
                          "warc_record_id": record_id}
                data = record.content_stream().read(max_bytes + 1)
                yield Article(f"{base}#{record_id}", data, source, html=True)
        except (ArchiveLoadFailed, EOFError, zlib.error) as e:
            yield Unreadable(f"{base}#*", f"WARC unreadable: {e}", {"path": str(path)})
