"""IDX format: exact bytes, round trips for every dtype code, and every kind of bad file."""
import gzip
import os
import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinynet.data import IdxFormatError, read_idx, write_idx
from tinynet.data.idx import DTYPE_OF_CODE

CODES = sorted(DTYPE_OF_CODE)


def sample(dtype, shape, seed=0):
    rng = np.random.default_rng(seed)
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=dtype)
    return rng.standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_round_trip_every_dtype_code_raw_and_gzip(tmp_path, code, suffix):
    dtype = DTYPE_OF_CODE[code].newbyteorder("=")
    array = sample(dtype, (3, 4, 5), seed=code)
    path = tmp_path / f"a{suffix}"
    write_idx(path, array)
    with open(path, "rb") as f:
        assert (f.read(2) == b"\x1f\x8b") == bool(suffix)
    back = read_idx(path)
    assert back.dtype == dtype and back.dtype.isnative
    assert back.shape == (3, 4, 5)
    np.testing.assert_array_equal(back, array)
    assert back.flags.writeable and back.flags.c_contiguous


@pytest.mark.parametrize("code", CODES)
def test_header_and_payload_bytes_are_big_endian_idx(tmp_path, code):
    dtype = DTYPE_OF_CODE[code].newbyteorder("=")
    array = sample(dtype, (2, 3), seed=1)
    write_idx(tmp_path / "a", array)
    raw = (tmp_path / "a").read_bytes()
    assert raw[:4] == bytes([0, 0, code, 2])
    assert struct.unpack(">2I", raw[4:12]) == (2, 3)
    assert raw[12:] == array.astype(DTYPE_OF_CODE[code]).tobytes()


def test_reads_the_published_layout_written_by_hand(tmp_path):
    # the first bytes of train-labels-idx1-ubyte: uint8, 1 dim, then labels
    labels = bytes([9, 0, 0, 3, 0])
    (tmp_path / "labels").write_bytes(b"\x00\x00\x08\x01" + struct.pack(">I", 5) + labels)
    np.testing.assert_array_equal(read_idx(tmp_path / "labels"), [9, 0, 0, 3, 0])


@settings(deadline=None, max_examples=40)
@given(
    code=st.sampled_from(CODES),
    shape=st.lists(st.integers(0, 4), min_size=0, max_size=4).map(tuple),
    compress=st.booleans(),
)
def test_round_trip_any_shape(tmp_path_factory, code, shape, compress):
    path = tmp_path_factory.mktemp("idx") / "x.idx"
    array = sample(DTYPE_OF_CODE[code].newbyteorder("="), shape, seed=len(shape))
    write_idx(path, array, compress=compress)
    back = read_idx(path)
    assert back.shape == shape
    np.testing.assert_array_equal(back, array)


def test_gzip_detected_by_magic_bytes_not_by_name(tmp_path):
    array = np.arange(12, dtype=np.int16).reshape(3, 4)
    write_idx(tmp_path / "no_suffix", array, compress=True)
    np.testing.assert_array_equal(read_idx(tmp_path / "no_suffix"), array)


def test_concatenated_gzip_members_and_zero_padding(tmp_path):
    raw = b"\x00\x00\x08\x01" + struct.pack(">I", 6) + bytes(range(6))
    path = tmp_path / "multi.gz"
    path.write_bytes(gzip.compress(raw[:7]) + gzip.compress(raw[7:]) + b"\x00" * 8)
    np.testing.assert_array_equal(read_idx(path), np.arange(6))


def test_non_native_input_is_written_correctly(tmp_path):
    array = np.arange(6, dtype=">f8")
    write_idx(tmp_path / "a", array)
    np.testing.assert_array_equal(read_idx(tmp_path / "a"), np.arange(6.0))


def test_write_is_atomic_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "x.gz"
    path.write_bytes(b"precious")
    with pytest.raises(IdxFormatError, match="cannot store dtype complex128"):
        write_idx(path, np.zeros(3, dtype=np.complex128))
    assert path.read_bytes() == b"precious"
    write_idx(path, np.ones(3, dtype=np.uint8))
    assert os.listdir(tmp_path) == ["x.gz"]


# ---- bad files: each names the file and what was expected ------------------------------

def write_raw(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_wrong_magic(tmp_path):
    path = write_raw(tmp_path, "bad", b"\x01\x00\x08\x01" + struct.pack(">I", 1) + b"\x05")
    with pytest.raises(IdxFormatError, match=r"first two bytes must be 00 00, found 01 00"):
        read_idx(path)


def test_wrong_dtype_code(tmp_path):
    path = write_raw(tmp_path, "bad", b"\x00\x00\x0a\x01" + struct.pack(">I", 1) + b"\x05")
    with pytest.raises(IdxFormatError, match=r"unknown IDX dtype code 0x0A; valid codes are 0x08 uint8"):
        read_idx(path)


@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_truncated_payload(tmp_path, suffix):
    data = b"\x00\x00\x0c\x02" + struct.pack(">2I", 2, 3) + b"\x00" * 23  # needs 24
    path = tmp_path / f"bad{suffix}"
    path.write_bytes(gzip.compress(data) if suffix else data)
    with pytest.raises(IdxFormatError, match=r"truncated payload: the header promises 24 bytes of data, the file holds 23"):
        read_idx(path)


def test_truncated_header(tmp_path):
    path = write_raw(tmp_path, "bad", b"\x00\x00\x08\x03" + struct.pack(">2I", 60000, 28))
    with pytest.raises(IdxFormatError, match=r"truncated dimension list: expected 12 bytes, found 8"):
        read_idx(path)


def test_empty_file(tmp_path):
    with pytest.raises(IdxFormatError, match=r"truncated header: expected 4 bytes, found 0"):
        read_idx(write_raw(tmp_path, "empty", b""))


def test_trailing_bytes(tmp_path):
    path = write_raw(tmp_path, "bad", b"\x00\x00\x08\x01" + struct.pack(">I", 2) + b"\x01\x02\x03")
    with pytest.raises(IdxFormatError, match=r"continues past the 2 bytes"):
        read_idx(path)


def test_gz_name_that_is_not_gzip(tmp_path):
    path = write_raw(tmp_path, "x.gz", b"<html>Not Found</html>")
    with pytest.raises(IdxFormatError, match=r"ends in .gz but the file is not gzip-compressed \(it starts with 3c 68, gzip starts with 1f 8b\)"):
        read_idx(path)


def test_corrupt_gzip_stream(tmp_path):
    good = gzip.compress(b"\x00\x00\x08\x01" + struct.pack(">I", 1000) + bytes(1000))
    cut = write_raw(tmp_path, "cut.gz", good[: len(good) // 2])
    with pytest.raises(IdxFormatError, match=r"cut.gz: (corrupt gzip|truncated)"):
        read_idx(cut)
    flipped = bytearray(good)
    flipped[-6] ^= 0xFF  # inside the CRC-32 trailer
    with pytest.raises(IdxFormatError, match=r"corrupt gzip data"):
        read_idx(write_raw(tmp_path, "crc.gz", bytes(flipped)))


@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_absurd_dimensions_are_refused_before_allocating(tmp_path, suffix):
    data = b"\x00\x00\x0e\x03" + struct.pack(">3I", 2**31, 2**31, 2**31) + bytes(64)
    path = tmp_path / f"huge{suffix}"
    path.write_bytes(gzip.compress(data) if suffix else data)
    with pytest.raises(IdxFormatError, match=r"promises 79228162514264337593543950336 bytes"):
        read_idx(path)
