"""tinynet.atomic: the one atomic writer. A reader sees the old file or the new one; a failed
write leaves no temporary file; a missing folder is named as the target's."""
import os

import pytest

from tinynet import atomic


def test_a_failure_while_writing_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "results.json"
    target.write_text("old\n")
    with pytest.raises(RuntimeError):
        with atomic.open_for_write(target, "w") as f:
            f.write("half of the new")
            raise RuntimeError("interrupted")
    assert target.read_text() == "old\n" and os.listdir(tmp_path) == ["results.json"]


def test_a_rejected_check_before_the_rename_keeps_the_old_file(tmp_path):
    target = tmp_path / "data.bin"
    target.write_bytes(b"old")

    def reject(tmp):
        assert open(tmp, "rb").read() == b"new"      # the finished temporary file is checked
        raise ValueError("checksum mismatch")

    with pytest.raises(ValueError, match="checksum"):
        with atomic.open_for_write(target, "wb", before_rename=reject) as f:
            f.write(b"new")
    assert target.read_bytes() == b"old" and os.listdir(tmp_path) == ["data.bin"]


def test_a_disk_error_names_the_target_not_the_temporary_file(tmp_path, monkeypatch):
    def full(f, path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic, "_to_disk", full)
    with pytest.raises(OSError) as info:
        atomic.write_text(tmp_path / "table.txt", "x")
    assert info.value.filename == str(tmp_path / "table.txt") and os.listdir(tmp_path) == []


def test_a_missing_folder_and_a_long_name(tmp_path):
    with pytest.raises(FileNotFoundError, match="its folder .* does not exist"):
        atomic.write_text(tmp_path / "nope" / "a.txt", "x")
    long = tmp_path / ("n" * 250)
    atomic.write_text(long, "x")
    assert long.read_text() == "x"
