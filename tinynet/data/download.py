"""Fetch one file over HTTP(S), verify it, and keep it only if it is exactly right.

The rule (DESIGN section 6): nothing half-done is ever left where a good file is looked
for. Bytes stream into a hidden temporary file *in the destination directory*; the
SHA-256 is computed on the way. Only when the byte count matches ``Content-Length`` and
the digest matches the one recorded in the code is the temporary file renamed onto the
final name -- ``os.replace`` is atomic on one file system, so a reader sees either no file
or the whole verified file. Any failure, including Ctrl-C, deletes the temporary file.

Two kinds of digest can be recorded for a file (see :class:`Checksum`): the SHA-256 of the
bytes as served, and the SHA-256 of the IDX content after gunzip. The second survives a
mirror or a packager recompressing the archive (the Debian package of Fashion-MNIST holds
the same arrays as the original archives, in differently compressed files), so it can be
checked against a local copy.
"""
from __future__ import annotations

import hashlib
import http.client
import os
import sys
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass

from .. import atomic

CHUNK = 1 << 16


class DownloadError(OSError):
    """A download failed: network error, short transfer, or a checksum that does not match."""


class ChecksumError(DownloadError):
    """The downloaded bytes are not the ones recorded in the code."""


@dataclass(frozen=True)
class Checksum:
    """What a good copy of a file hashes to; at least one field must be set.

    ``archive``: SHA-256 of the file exactly as downloaded.
    ``content``: SHA-256 of its content after gunzip (equal to ``archive`` for a raw file).
    """

    archive: str | None = None
    content: str | None = None

    def __post_init__(self):
        if not (self.archive or self.content):
            raise ValueError("Checksum needs an archive or a content SHA-256 (or both).")


def sha256_of_file(path):
    """Hex SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_of_content(path):
    """Hex SHA-256 of a file's bytes after gunzip (of the bytes themselves if not gzip)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] != b"\x1f\x8b":
        return hashlib.sha256(data).hexdigest()
    digest = hashlib.sha256()
    inflater = zlib.decompressobj(wbits=31)
    view = memoryview(data)
    pos = 0
    while pos < len(view):
        if inflater.eof:  # a further gzip member, or zero padding after the last one
            pos -= len(inflater.unused_data)
            if not bytes(view[pos:]).strip(b"\x00"):
                break
            inflater = zlib.decompressobj(wbits=31)
        piece = view[pos:pos + (1 << 20)]
        pos += len(piece)
        digest.update(inflater.decompress(piece))
    if not inflater.eof:
        raise zlib.error("the gzip stream is truncated")
    return digest.hexdigest()


def verify(path, checksum, name=None):
    """Raise :class:`ChecksumError` unless ``path`` matches every digest ``checksum`` records.

    ``name`` is what the message calls the file (default: its base name).
    """
    name = name or os.path.basename(path)
    found = {}
    if checksum.archive:
        found["archive"] = (sha256_of_file(path), checksum.archive)
    if checksum.content:
        try:
            found["content"] = (sha256_of_content(path), checksum.content)
        except zlib.error as err:
            raise ChecksumError(f"{name}: cannot decompress to check its content ({err}).") from None
    for kind, (got, expected) in found.items():
        if got != expected.lower():
            raise ChecksumError(
                f"SHA-256 mismatch ({kind}) for {name}: expected {expected}, got {got}. "
                "The server sent different bytes (a changed mirror, a proxy's error page, a corrupted "
                "transfer); nothing was kept. Retry, or point TINYNET_DATA_URL at a trusted mirror."
            )


def is_good(path, checksum):
    """True when ``path`` exists and matches ``checksum``."""
    if not os.path.isfile(path):
        return False
    try:
        verify(path, checksum)
    except ChecksumError:
        return False
    return True


def fetch(url, destination, checksum, timeout=60.0, quiet=False, replace_bad=True):
    """Download ``url`` to ``destination`` unless a verified copy is already there.

    Returns ``True`` if it downloaded, ``False`` if the existing file was already good.
    On any failure raises :class:`DownloadError` and leaves ``destination`` untouched.
    An existing file that fails the checksum is replaced by a verified download only if
    ``replace_bad`` (right for tinynet's own cache); otherwise it is an error, so a file
    in a directory the user chose is never overwritten.
    """
    destination = os.fspath(destination)
    if is_good(destination, checksum):
        return False
    if os.path.exists(destination) and not replace_bad:
        raise ChecksumError(
            f"{destination} exists but does not match the SHA-256 recorded for it; it was left as it is. "
            "Move or delete it and run again to download a verified copy."
        )
    directory = os.path.dirname(os.path.abspath(destination))
    os.makedirs(directory, exist_ok=True)
    with atomic.open_for_write(destination, "wb", before_rename=lambda tmp: verify(tmp, checksum, name=url)) as out:
        _stream(url, out, timeout, quiet)
    return True


def _stream(url, out, timeout, quiet):
    """Copy the body of ``url`` into ``out``; insist on the full ``Content-Length``."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            expected = response.headers.get("Content-Length")
            expected = int(expected) if expected is not None else None
            if not quiet:
                size = f" ({expected / 1e6:.1f} MB)" if expected else ""
                print(f"tinynet.data: downloading {url}{size}", file=sys.stderr)
            received = 0
            while True:
                block = response.read(CHUNK)
                if not block:
                    break
                out.write(block)
                received += len(block)
    except urllib.error.HTTPError as err:
        raise DownloadError(f"{url}: the server answered HTTP {err.code} {err.reason}.") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as err:
        reason = getattr(err, "reason", err)
        raise DownloadError(f"{url}: download failed ({reason}). Check the network or the URL.") from None
    if expected is not None and received != expected:
        raise DownloadError(
            f"{url}: transfer cut short: received {received} of {expected} bytes; nothing was kept. Retry."
        )
