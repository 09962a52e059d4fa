"""Write one benchmark's section of benchmarks/RESULTS.md, leaving the others as they are.

Each script owns the block between ``<!-- BEGIN name -->`` and ``<!-- END name -->``; the
file is rewritten atomically (temporary file, then rename).
"""
import datetime
import os
import platform
import subprocess
import tempfile

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "RESULTS.md")
HEADER = "# Benchmark results\n\nEach section is written by the script it names, on the machine it states.\n"


def machine():
    """One line: CPU model, core count, Python, numpy/numba versions, date."""
    model = platform.processor() or "unknown CPU"
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    import numba
    import numpy

    return (
        f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, numpy {numpy.__version__}, "
        f"numba {numba.__version__}, OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}, "
        f"{datetime.date.today().isoformat()}"
    )


def write_section(name, body):
    text = open(RESULTS).read() if os.path.exists(RESULTS) else HEADER
    begin, end = f"<!-- BEGIN {name} -->", f"<!-- END {name} -->"
    block = f"{begin}\n{body.rstrip()}\n{end}"
    if begin in text and end in text:
        text = text[: text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(RESULTS), suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, RESULTS)
