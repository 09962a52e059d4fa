"""report.html: written by `tinynet compare`, self-contained, its numbers those of
results.json, its swatches the figures' colours; and in a real headless browser: no
console error, every image decodes, one table row per scheme, the verdict words shown."""
import base64
import importlib.util
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tinynet import plot
from tinynet.lab import CompareConfig, compare

_spec = importlib.util.spec_from_file_location("tinynet_tests_webdriver", Path(__file__).with_name("webdriver.py"))
webdriver = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(webdriver)

SCHEMES = "zeros,constant:0.5,random_normal:1,he_normal"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A small comparison (4 schemes x 2 seeds, a few seconds), written to a folder."""
    out = tmp_path_factory.mktemp("compare")
    compare(CompareConfig(inits=SCHEMES, depth=3, width=16, steps=40, seeds=2, out=str(out)), progress=False)
    page = (out / "report.html").read_text(encoding="utf-8")
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return out, page, results


class _Numbers(HTMLParser):
    """Every element with data-path: (path, data-value, its text)."""

    def __init__(self):
        super().__init__()
        self.found, self._open = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-path" in attrs:
            self._open = [attrs["data-path"], attrs["data-value"], ""]

    def handle_data(self, data):
        if self._open is not None:
            self._open[2] += data

    def handle_endtag(self, tag):
        if self._open is not None:
            self.found.append(tuple(self._open))
            self._open = None


def _half_last_digit(text):
    """Half a unit in the last digit shown: '0.973' -> 5e-4, '20' -> 0.5, '8.57e-08' -> 5e-11."""
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return 0.5 * 10.0 ** (int(exponent or 0) - decimals)


def _lookup(results, path):
    value = results
    for key in path.strip("/").split("/"):
        value = value[key]
    return value


def test_compare_writes_report_html_listed_in_results_json(run):
    out, page, results = run
    assert Path(results["files"]["report_html"]).name == "report.html"
    assert page.startswith("<!DOCTYPE html>")


def test_numbers_in_the_page_equal_results_json(run):
    _, page, results = run
    parser = _Numbers()
    parser.feed(page)
    assert parser.found
    seen = set()
    for path, exact, text in parser.found:
        value = _lookup(results, path)
        if value is None:
            assert exact == "null" and text == "nan", path
            continue
        assert float(exact) == value, path  # the exact value of results.json
        assert abs(float(text) - value) <= _half_last_digit(text) * (1 + 1e-9), (path, text, value)  # rounded
        seen.add(path)
    for label, summary in results["summaries"].items():  # every scheme's accuracies are on the page
        for key in ("train_accuracy", "test_accuracy"):
            assert f"/summaries/{label}/{key}/mean" in seen
        assert f"/summaries/{label}/act_std_first" in seen


def test_the_page_is_self_contained_with_the_three_figures(run):
    out, page, _ = run
    assert not re.search(r"https?://", page)
    sources = re.findall(r'<img src="([^"]+)"', page)
    assert len(sources) == 3 and all(s.startswith("data:image/png;base64,") for s in sources)
    embedded = sorted(base64.b64decode(s.split(",", 1)[1]) for s in sources)
    files = sorted((out / name).read_bytes() for name in ("loss_curves.png", "depth_profile.png",
                                                          "activation_histograms.png"))
    assert embedded == files


def test_each_scheme_is_drawn_in_the_colour_of_its_line(run):
    _, page, results = run
    table = page[page.index('<table class="schemes">'):page.index("</table>", page.index('<table class="schemes">'))]
    strokes = re.findall(r'stroke="(#[0-9A-Fa-f]{6})"', table)
    assert strokes == [plot.line_color(i) for i in range(len(results["summaries"]))]


@pytest.mark.skipif(webdriver.missing() is not None, reason=webdriver.missing() or "")
def test_in_a_headless_browser(run):
    out, _, results = run
    with webdriver.Browser() as browser:
        browser.open((out / "report.html").as_uri())
        assert browser.script("return document.readyState") == "complete"
        images = browser.script("return Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
        assert len(images) == 3 and all(done and width > 0 for done, width in images)
        rows = browser.script("return Array.from(document.querySelectorAll('table.schemes tbody tr'))"
                              ".map(r => r.cells[1].textContent)")
        assert rows == list(results["summaries"])
        text = browser.script("return document.body.innerText")
        for label, summary in results["summaries"].items():
            assert f"{label}: {summary['verdict']}" in text
        errors = [entry for entry in browser.console() if entry.get("level") == "SEVERE"]
        assert not errors, errors
