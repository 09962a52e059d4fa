"""The IDX file format: how MNIST and Fashion-MNIST are stored, read and written.

An IDX file is a tiny header followed by the raw array, C order, big-endian::

    bytes 0-1   0x00 0x00                 the magic zero
    byte  2     dtype code                0x08 uint8, 0x09 int8, 0x0B int16,
                                          0x0C int32, 0x0D float32, 0x0E float64
    byte  3     ndim                      number of dimensions
    then        ndim x uint32, big-endian the size of each dimension
    then        prod(dims) x itemsize     the values, big-endian

So ``train-images-idx3-ubyte`` starts ``00 00 08 03 | 00 00 ea 60 | 00 00 00 1c | 00 00 00 1c``:
uint8, three dimensions, 60000 x 28 x 28. The published files are gzip-compressed; this
module recognises gzip by its magic bytes ``1f 8b`` rather than trusting the file name.

Reading allocates the result once and reads (or inflates, a megabyte of input at a
time) into it, so a 47 MB image file costs one 47 MB array and no second full-size copy;
multi-byte types are then byte-swapped in place to the machine's order. Writing goes to a temporary file in the
same directory and is renamed over the target only when complete, so a crash never
leaves half a file where a good one was.
"""
from __future__ import annotations

import gzip
import math
import os
import struct
import zlib

import numpy as np

from .. import atomic

#: IDX dtype code -> numpy dtype (big-endian, as stored)
DTYPE_OF_CODE = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
#: numpy dtype (machine order) -> IDX dtype code
CODE_OF_DTYPE = {dt.newbyteorder("="): code for code, dt in DTYPE_OF_CODE.items()}

GZIP_MAGIC = b"\x1f\x8b"


class IdxFormatError(ValueError):
    """A file is not a valid IDX file (or not the one expected)."""


def _describe_codes():
    return ", ".join(f"0x{code:02X} {dt.name}" for code, dt in DTYPE_OF_CODE.items())


class _GunzipReader:
    """A read-only stream of the decompressed bytes of a gzip file, fast on big files.

    The compressed file is read whole (it is the smaller copy) and inflated one megabyte
    of input at a time; ``readinto`` copies each inflated piece straight into the
    caller's buffer. Concatenated gzip members and zero padding after the last member
    are accepted, as the ``gzip`` module does. zlib checks each member's CRC-32.
    """

    CHUNK = 1 << 20

    def __init__(self, path):
        with open(path, "rb") as f:
            self._data = memoryview(f.read())
        self._pos = 0
        self._inflater = zlib.decompressobj(wbits=31)  # 31 = gzip header and trailer
        self._pending = b""
        self._done = False

    def _next_piece(self):
        """Inflate the next piece of input; b'' once the data is exhausted."""
        while not self._done:
            if self._inflater.eof:  # one member ended: anything after it must be another one
                self._pos -= len(self._inflater.unused_data)
                rest = bytes(self._data[self._pos:])
                if not rest.strip(b"\x00"):
                    self._done = True
                    break
                self._inflater = zlib.decompressobj(wbits=31)
            if self._pos >= len(self._data):
                raise EOFError("the compressed stream ends before its end-of-stream marker")
            piece = self._data[self._pos:self._pos + self.CHUNK]
            self._pos += len(piece)
            out = self._inflater.decompress(piece)
            if out:
                return out
        return b""

    def read(self, n):
        while len(self._pending) < n:
            more = self._next_piece()
            if not more:
                break
            self._pending += more
        head, self._pending = self._pending[:n], self._pending[n:]
        return head

    def readinto(self, view):
        if not self._pending:
            self._pending = self._next_piece()
        n = min(len(view), len(self._pending))
        view[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._data.release()


def _open(path):
    """Open ``path`` for reading, through gzip when its first bytes say it is gzip."""
    with open(path, "rb") as probe:
        head = probe.read(2)
    is_gzip = head == GZIP_MAGIC
    if str(path).endswith(".gz") and not is_gzip:
        raise IdxFormatError(
            f"{path}: the name ends in .gz but the file is not gzip-compressed (it starts "
            f"with {head.hex(' ') or 'nothing'}, gzip starts with 1f 8b). The download may "
            "have been replaced by an error page or cut short: delete the file and fetch it again."
        )
    return (_GunzipReader(path) if is_gzip else open(path, "rb")), is_gzip


def _read_exactly(stream, n, path, what):
    """Read exactly ``n`` bytes or explain which part of the file is missing."""
    data = stream.read(n)
    if len(data) != n:
        raise IdxFormatError(f"{path}: truncated {what}: expected {n} bytes, found {len(data)}.")
    return data


def _parse_header(stream, path):
    magic = _read_exactly(stream, 4, path, "header")
    if magic[:2] != b"\x00\x00":
        raise IdxFormatError(
            f"{path}: not an IDX file: the first two bytes must be 00 00, found {magic[:2].hex(' ')}."
        )
    code, ndim = magic[2], magic[3]
    if code not in DTYPE_OF_CODE:
        raise IdxFormatError(
            f"{path}: unknown IDX dtype code 0x{code:02X}; valid codes are {_describe_codes()}."
        )
    dims = struct.unpack(f">{ndim}I", _read_exactly(stream, 4 * ndim, path, "dimension list"))
    return DTYPE_OF_CODE[code], dims


def _fill(stream, buffer, path, is_gzip):
    """Read into ``buffer`` until it is full; then make sure nothing is left over."""
    view = memoryview(buffer.reshape(-1).view(np.uint8))
    filled = 0
    while filled < len(view):
        got = stream.readinto(view[filled:])
        if not got:
            break
        filled += got
    if filled != len(view):
        raise IdxFormatError(
            f"{path}: truncated payload: the header promises {len(view)} bytes of data, "
            f"the file holds {filled}. Delete it and fetch it again."
        )
    extra = len(stream.read(1))
    if extra:
        raise IdxFormatError(
            f"{path}: data continues past the {len(view)} bytes the header promises "
            f"({'after decompression' if is_gzip else 'trailing bytes'}): the file is not a single IDX array."
        )


def read_idx(path):
    """Read an IDX file (raw or gzip-compressed) into a numpy array in machine byte order.

    Every part is checked: the magic zero, the dtype code, the header length, and that the
    payload is exactly ``prod(dims) * itemsize`` bytes. A problem raises
    :class:`IdxFormatError` naming the file and what was expected. The returned array is
    writable and C-contiguous.
    """
    path = os.fspath(path)
    stream, is_gzip = _open(path)
    try:
        with stream:
            dtype, dims = _parse_header(stream, path)
            _check_plausible_size(path, is_gzip, 4 + 4 * len(dims), dtype.itemsize * math.prod(dims))
            out = np.empty(dims, dtype=dtype)
            _fill(stream, out, path, is_gzip)
    except (EOFError, zlib.error, gzip.BadGzipFile) as err:
        raise IdxFormatError(f"{path}: corrupt gzip data ({err}). Delete it and fetch it again.") from None
    if dtype.itemsize > 1:
        out.byteswap(inplace=True)  # big-endian bytes -> machine order, in place
    return out.view(dtype.newbyteorder("="))


def _check_plausible_size(path, is_gzip, header_bytes, payload_bytes):
    """Refuse a header that promises more data than the file can hold, before allocating.

    A raw file must be exactly header + payload. Deflate expands at most 1032:1, so a gzip
    file of ``c`` bytes cannot unpack to more than ``1032 c``; a corrupt header asking for
    terabytes is reported instead of exhausting memory.
    """
    size = os.path.getsize(path)
    holds = size - header_bytes
    if not is_gzip and holds < payload_bytes:
        raise IdxFormatError(
            f"{path}: truncated payload: the header promises {payload_bytes} bytes of data, "
            f"the file holds {holds}. Delete it and fetch it again."
        )
    if is_gzip and payload_bytes > 1032 * size:
        raise IdxFormatError(
            f"{path}: the header promises {payload_bytes} bytes of data, more than a {size}-byte "
            "gzip file can hold: the header is corrupt. Delete the file and fetch it again."
        )


def write_idx(path, array, compress=None):
    """Write ``array`` as an IDX file, atomically (temporary file, then rename).

    ``compress=None`` compresses when the name ends in ``.gz``; ``True``/``False`` force it.
    Supported dtypes are those IDX can hold: uint8, int8, int16, int32, float32, float64.
    """
    path = os.fspath(path)
    array = np.asarray(array)
    native = array.dtype.newbyteorder("=")
    if native not in CODE_OF_DTYPE:
        raise IdxFormatError(
            f"write_idx: IDX cannot store dtype {array.dtype}; it stores {_describe_codes()}. "
            "Convert first, e.g. array.astype(np.float32)."
        )
    if array.ndim > 255 or any(size >= 2**32 for size in array.shape):
        raise IdxFormatError(f"write_idx: shape {array.shape} does not fit IDX (<= 255 dims, each < 2**32).")
    if compress is None:
        compress = path.endswith(".gz")
    header = bytes([0, 0, CODE_OF_DTYPE[native], array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    payload = np.ascontiguousarray(array, dtype=DTYPE_OF_CODE[CODE_OF_DTYPE[native]])
    with atomic.open_for_write(path, "wb") as raw:
        # mtime=0 keeps the compressed bytes a function of the array alone
        sink = gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) if compress else raw
        sink.write(header)
        sink.write(memoryview(payload.reshape(-1).view(np.uint8)))
        if compress:
            sink.close()
    return path
