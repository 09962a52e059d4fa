"""report.html: one self-contained page of a comparison, to read or to project.

    html = render(results, figures)     # results: the dict of results.json; figures: name -> PNG bytes
    html = page(results, files)         # the same, reading the PNG files named in ``files``

The page holds the settings, the table (one row per scheme), each scheme's verdict with
the measured reason of every seed, and the three figures, embedded as base64 PNG: it loads
nothing (a Content-Security-Policy forbids any request), so it works offline and from a
USB stick. Large type and high contrast for a projector; each scheme's swatch is drawn
with the colour and dash of its line in the figures, taken from ``tinynet.plot``'s palette
(colour-blind safe). Every number in the table carries ``data-path`` (where it is in
results.json) and ``data-value`` (its exact value) so that a test can hold the page to
results.json.
"""
from __future__ import annotations

import base64
import html
import math
from types import SimpleNamespace

from .. import plot
from . import models

#: figure key in report.FILES -> caption
FIGURES = {
    "loss_curves": "Training loss per step: median over seeds, band from the lowest to the highest seed",
    "depth_profile": "Activation std (forward) and gradient std dL/dz (backward) per hidden layer at initialization",
    "activation_histograms": "Hidden activations at initialization, per layer (seed 0)",
}
#: matplotlib line style -> SVG stroke-dasharray, for the swatches
_DASHES = {"-": "", "--": "12 6", ":": "3 5", "-.": "12 5 3 5"}

_STYLE = """
html { font-size: 22px; }
body { font-family: "DejaVu Sans", Verdana, sans-serif; color: #111; background: #fff;
       margin: 1.2rem auto; max-width: 1800px; padding: 0 1rem; line-height: 1.35; }
h1 { font-size: 1.7rem; margin: 0 0 .4rem; }
h2 { font-size: 1.35rem; margin: 1.6rem 0 .5rem; border-bottom: 3px solid #111; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: .3rem .45rem; border-bottom: 1px solid #999; text-align: right; vertical-align: top; }
th { background: #eee; border-bottom: 3px solid #111; }
td.name, th.name, td.word, th.word { text-align: left; }
table.schemes { font-size: .95rem; }
td span, td.name, td.word { white-space: nowrap; }
td.word, .verdict { font-weight: bold; }
h3 { font-size: 1.1rem; margin: .8rem 0 .2rem; }
ul.settings { list-style: none; padding: 0; margin: 0; }
ul.settings li { display: inline-block; margin: 0 1.4rem .3rem 0; }
td small { font-size: .75rem; color: #333; white-space: nowrap; }
.swatch { vertical-align: middle; margin-right: .4rem; }
ul.reasons { margin: .2rem 0 .8rem 1.5rem; padding: 0; }
figure { margin: 1rem 0; }
figure img { width: 100%; height: auto; border: 1px solid #ccc; }
figcaption { font-size: .9rem; color: #333; }
p.note { font-size: .85rem; color: #333; max-width: 70rem; }
"""


def _num(x, fmt):
    return "nan" if x is None or not math.isfinite(x) else format(x, fmt)


def _value(path, x, fmt):
    """A number as text, tagged with where it lives in results.json and its exact value."""
    exact = "null" if x is None else repr(float(x))
    return (f'<span data-path="{html.escape(path)}" data-value="{exact}">{_num(x, fmt)}</span>')


def _pm(path, stat, fmt):
    """Mean, and under it in smaller type ± the spread over seeds."""
    return f"{_value(path + '/mean', stat['mean'], fmt)}<br><small>± {_value(path + '/std', stat['std'], fmt)}</small>"


def _swatch(i):
    dash = _DASHES.get(plot.line_style(i), "")
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<svg class="swatch" width="60" height="16" aria-hidden="true"><line x1="2" y1="8" x2="58" y2="8" '
            f'stroke="{plot.line_color(i)}" stroke-width="5"{dash_attr}/></svg>')


def _settings(results):
    s = results["settings"]
    rows = [("data", results.get("dataset", ""))]
    rows += [(k, ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else ("default" if v is None else str(v)))
             for k, v in s.items() if k != "out"]
    seconds = results.get("seconds")
    if seconds is not None:
        rows.append(("took", f"{seconds:.1f} s"))
    items = "".join(f"<li><b>{html.escape(k)}</b> {html.escape(v)}</li>" for k, v in rows)
    return f'<ul class="settings">{items}</ul>'


def _table(results):
    depth = results["settings"].get("depth", "")
    width = results["settings"].get("width", "")
    head = ["", "scheme", "train loss", "train acc", "test acc", "steps to thr", "distinct units", "dead",
            "std L1", f"std L{depth}", "verdict"]
    cls = {"scheme": "name", "verdict": "word"}
    rows = []
    for i, (label, s) in enumerate(results["summaries"].items()):
        p = f"/summaries/{label}"
        loss = s["final_train_loss"]
        loss_text = ("diverged" if loss["mean"] is None or not math.isfinite(loss["mean"])
                     else _pm(p + "/final_train_loss", loss, ".3f"))
        st = s["steps_to_threshold"]
        if st["reached"] == 0:
            steps = "never"
        else:
            steps = _value(p + "/steps_to_threshold/mean", st["mean"], ".0f")
            if st["reached"] != st["runs"]:
                steps += f" ({st['reached']}/{st['runs']})"
        lo, hi = s["distinct_units_min"], s["distinct_units_max"]
        units = (_value(p + "/distinct_units_min", lo, "d") if lo == hi else
                 _value(p + "/distinct_units_min", lo, "d") + "–" + _value(p + "/distinct_units_max", hi, "d"))
        cells = [_swatch(i), html.escape(label), loss_text, _pm(p + "/train_accuracy", s["train_accuracy"], ".3f"),
                 _pm(p + "/test_accuracy", s["test_accuracy"], ".3f"), steps, f"{units}/{width}",
                 _value(p + "/dead_fraction/mean", s["dead_fraction"]["mean"], ".2f"),
                 _value(p + "/act_std_first", s["act_std_first"], ".3g"),
                 _value(p + "/act_std_last", s["act_std_last"], ".3g"), html.escape(s["verdict"])]
        rows.append("<tr>" + "".join(f'<td class="{cls.get(h, "")}">{c}</td>' for h, c in zip(head, cells)) + "</tr>")
    header = "".join(f'<th class="{cls.get(h, "")}">{html.escape(h)}</th>' for h in head)
    return f'<table class="schemes"><thead><tr>{header}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _verdicts(results):
    parts = []
    for i, (label, s) in enumerate(results["summaries"].items()):
        reasons = "".join(f"<li>seed {seed}: {html.escape(word)}, {html.escape(reason)}</li>"
                          for seed, (word, reason) in enumerate(zip(s["verdicts"], s["reasons"])))
        parts.append(f'<h3>{_swatch(i)}{html.escape(label)}: <span class="verdict">{html.escape(s["verdict"])}'
                     f'</span></h3><ul class="reasons">{reasons}</ul>')
    return "".join(parts)


def _figures(figures):
    parts = []
    for key, caption in FIGURES.items():
        if key in figures:
            data = base64.b64encode(figures[key]).decode("ascii")
            parts.append(f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(caption)}">'
                         f"<figcaption>{html.escape(caption)}</figcaption></figure>")
    return "".join(parts)


def _model(settings):
    """The model in words, as the text table's title says it ("MLP 5 x 64 relu")."""
    try:
        return models.describe(SimpleNamespace(**{"model": "mlp", "norm": "none", **settings}))
    except (AttributeError, KeyError):  # settings of another version: say what is known
        return f"{settings.get('depth', '')} x {settings.get('width', '')} {settings.get('activation', '')}"


def render(results, figures):
    """The page (a str) of ``results`` (the dict written to results.json) with ``figures``
    (figure key as in :data:`FIGURES` -> PNG bytes; missing keys are left out)."""
    s = results["settings"]
    thr = next((r["threshold"] for r in results.get("runs", []) if r.get("threshold") is not None), None)
    title = f"tinynet compare: {s.get('dataset', '')}, {_model(s)}"
    note = ("Mean ± std over seeds. diverged: the loss overflowed to inf or NaN. "
            f"steps to thr: first step with training loss ≤ {_num(thr, '.3g')}. "
            "distinct units: fewest distinct units in a hidden layer after training. "
            "dead: fraction of hidden ReLU units never positive on the training set, after training. "
            f"std L1 / L{s.get('depth', '')}: activation std of the first / last hidden layer at initialization. "
            "The verdict of a scheme is the most common verdict over its seeds.")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{html.escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
<h2>Settings</h2>
{_settings(results)}
<h2>Results</h2>
{_table(results)}
<p class="note">{html.escape(note)}</p>
<h2>Verdicts and their measured reasons</h2>
{_verdicts(results)}
<h2>Figures</h2>
{_figures(figures)}
</body>
</html>
"""


def page(results, files):
    """:func:`render` with the figures read from the PNG files ``files[key]`` (report.FILES' keys)."""
    figures = {}
    for key in FIGURES:
        if key in files:
            with open(files[key], "rb") as f:
                figures[key] = f.read()
    return render(results, figures)


__all__ = ["FIGURES", "render", "page"]
