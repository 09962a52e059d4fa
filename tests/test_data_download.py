"""Downloads against a real HTTP server on 127.0.0.1: verified, atomic, never re-fetched."""
import gzip
import hashlib
import http.server
import os
import struct
import threading

import numpy as np
import pytest

from tinynet.data import datasets, download
from tinynet.data.download import Checksum, ChecksumError, DownloadError, fetch


class FileServer:
    """Serves ``routes[path] = (body, mode)``; mode "ok", or "short" (fewer bytes than
    Content-Length, then the connection closes). Counts requests per path."""

    def __init__(self):
        self.routes, self.hits = {}, {}
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server.hits[self.path] = server.hits.get(self.path, 0) + 1
                if self.path not in server.routes:
                    self.send_error(404)
                    return
                body, mode = server.routes[self.path]
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body if mode == "ok" else body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = FileServer()
    yield s
    s.close()


BODY = os.urandom(200_000)
GOOD = Checksum(archive=hashlib.sha256(BODY).hexdigest())


def test_success_keeps_exactly_the_served_bytes(server, tmp_path):
    server.routes["/f.bin"] = (BODY, "ok")
    assert fetch(server.url + "f.bin", tmp_path / "sub" / "f.bin", GOOD, quiet=True) is True
    assert (tmp_path / "sub" / "f.bin").read_bytes() == BODY
    assert os.listdir(tmp_path / "sub") == ["f.bin"]


def test_checksum_mismatch_is_an_error_and_leaves_nothing(server, tmp_path):
    server.routes["/f.bin"] = (BODY[:-1] + b"!", "ok")
    with pytest.raises(ChecksumError, match=f"SHA-256 mismatch \\(archive\\) for http://127\\.0\\.0\\.1:\\d+/f.bin: expected {GOOD.archive}"):
        fetch(server.url + "f.bin", tmp_path / "f.bin", GOOD, quiet=True)
    assert os.listdir(tmp_path) == []


def test_interrupted_transfer_leaves_nothing(server, tmp_path):
    server.routes["/f.bin"] = (BODY, "short")
    with pytest.raises(DownloadError, match=r"transfer cut short: received 100000 of 200000 bytes"):
        fetch(server.url + "f.bin", tmp_path / "f.bin", GOOD, quiet=True)
    assert os.listdir(tmp_path) == []


def test_http_error_names_the_status(server, tmp_path):
    with pytest.raises(DownloadError, match=r"HTTP 404"):
        fetch(server.url + "missing.bin", tmp_path / "missing.bin", GOOD, quiet=True)
    assert os.listdir(tmp_path) == []


def test_existing_good_file_is_not_downloaded_again(server, tmp_path):
    server.routes["/f.bin"] = (BODY, "ok")
    target = tmp_path / "f.bin"
    assert fetch(server.url + "f.bin", target, GOOD, quiet=True) is True
    assert fetch(server.url + "f.bin", target, GOOD, quiet=True) is False
    assert server.hits["/f.bin"] == 1


def test_existing_bad_file_is_replaced_only_by_a_verified_one(server, tmp_path):
    target = tmp_path / "f.bin"
    target.write_bytes(b"stale")
    server.routes["/f.bin"] = (b"also wrong", "ok")
    with pytest.raises(ChecksumError):
        fetch(server.url + "f.bin", target, GOOD, quiet=True)
    assert target.read_bytes() == b"stale"
    server.routes["/f.bin"] = (BODY, "ok")
    assert fetch(server.url + "f.bin", target, GOOD, quiet=True) is True
    assert target.read_bytes() == BODY


def test_content_checksum_survives_recompression(server, tmp_path):
    content = bytes(range(256)) * 100
    check = Checksum(content=hashlib.sha256(content).hexdigest())
    server.routes["/a.gz"] = (gzip.compress(content, compresslevel=1), "ok")
    server.routes["/b.gz"] = (gzip.compress(content, compresslevel=9, mtime=12345), "ok")
    fetch(server.url + "a.gz", tmp_path / "a.gz", check, quiet=True)
    fetch(server.url + "b.gz", tmp_path / "b.gz", check, quiet=True)
    assert gzip.decompress((tmp_path / "b.gz").read_bytes()) == content


# ---- a whole data set, end to end ----------------------------------------------------

def idx_gz(array):
    array = np.asarray(array, dtype=np.uint8)
    header = bytes([0, 0, 8, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return gzip.compress(header + array.tobytes())


def toy_dataset(base_url, bodies):
    files = {role: (f"{role}.gz", Checksum(archive=hashlib.sha256(bodies[role]).hexdigest()))
             for role in datasets.ROLES}
    return datasets.RemoteDataset(name="toy", title="Toy", base_url=base_url, files=files,
                                  system_dirs=(), image_shape=(2, 2))


@pytest.fixture
def toy(server, tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    arrays = {"train_images": rng.integers(0, 256, (6, 2, 2)), "train_labels": np.arange(6) % 10,
              "test_images": rng.integers(0, 256, (3, 2, 2)), "test_labels": np.arange(3)}
    bodies = {role: idx_gz(a) for role, a in arrays.items()}
    for role, body in bodies.items():
        server.routes[f"/mirror/{role}.gz"] = (body, "ok")
    dataset = toy_dataset("http://unused.invalid/", bodies)
    monkeypatch.setitem(datasets.DATASETS, "toy", dataset)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("TINYNET_DATA", raising=False)
    monkeypatch.setenv("TINYNET_DATA_URL", server.url + "mirror")
    return arrays


def test_load_downloads_into_cache_then_reuses_it(server, toy, tmp_path):
    (x, y), (xt, yt) = datasets.load_dataset("toy", quiet=True)
    np.testing.assert_array_equal(x, toy["train_images"])
    np.testing.assert_array_equal(yt, toy["test_labels"])
    cached = sorted(os.listdir(tmp_path / "cache" / "tinynet" / "toy"))
    assert cached == sorted(f"{role}.gz" for role in datasets.ROLES)
    datasets.load_dataset("toy", quiet=True)
    assert sorted(server.hits.values()) == [1, 1, 1, 1]


def test_failed_file_keeps_earlier_good_ones_and_resumes(server, toy, tmp_path):
    body, _ = server.routes["/mirror/test_images.gz"]
    server.routes["/mirror/test_images.gz"] = (body, "short")
    with pytest.raises(DownloadError, match="cut short"):
        datasets.load_dataset("toy", quiet=True)
    cache = tmp_path / "cache" / "tinynet" / "toy"
    assert "test_images.gz" not in os.listdir(cache)
    assert not [name for name in os.listdir(cache) if name.endswith(".part")]
    server.routes["/mirror/test_images.gz"] = (body, "ok")
    datasets.load_dataset("toy", quiet=True)
    assert server.hits["/mirror/train_images.gz"] == 1 and server.hits["/mirror/test_images.gz"] == 2


def test_base_url_argument_wins_over_environment(server, toy, tmp_path, monkeypatch):
    monkeypatch.setenv("TINYNET_DATA_URL", "http://127.0.0.1:9/nothing-here")
    datasets.load_dataset("toy", base_url=server.url + "mirror/", quiet=True)
    assert server.hits["/mirror/train_labels.gz"] == 1


def test_root_argument_is_the_download_target(server, toy, tmp_path):
    datasets.load_dataset("toy", root=tmp_path / "mine", quiet=True)
    assert len(os.listdir(tmp_path / "mine")) == 4
    assert not (tmp_path / "cache" / "tinynet" / "toy").exists()


def test_public_functions_use_the_module_checksums(monkeypatch):
    for dataset in (datasets.FASHION_MNIST, datasets.MNIST):
        assert set(dataset.files) == set(datasets.ROLES)
        for _, check in dataset.files.values():
            assert all(len(h) == 64 and int(h, 16) >= 0 for h in (check.archive, check.content) if h)
    assert download.Checksum(content="0" * 64).archive is None


def test_a_bad_file_in_a_chosen_directory_is_never_overwritten(server, tmp_path):
    target = tmp_path / "f.bin"
    target.write_bytes(b"the user's own")
    server.routes["/f.bin"] = (BODY, "ok")
    with pytest.raises(ChecksumError, match="exists but does not match .* left as it is. Move or delete it"):
        fetch(server.url + "f.bin", target, GOOD, quiet=True, replace_bad=False)
    assert target.read_bytes() == b"the user's own" and server.hits.get("/f.bin") is None


def test_root_with_a_partial_set_keeps_the_users_files(server, toy, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "train_labels.gz").write_bytes(b"not the right file")
    with pytest.raises(ChecksumError, match="train_labels.gz exists but does not match"):
        datasets.load_dataset("toy", root=mine, quiet=True)
    assert (mine / "train_labels.gz").read_bytes() == b"not the right file"
