"""Every example in tinynet's docstrings runs and prints what it says (doctest).

The same as ``pytest --doctest-modules tinynet``, inside the plain ``pytest`` run: one
test per module, so a stale example names its module.
"""
import doctest
import importlib
import pkgutil

import numpy as np
import pytest

import tinynet

MODULES = sorted(info.name for info in pkgutil.walk_packages(tinynet.__path__, "tinynet.")
                 if not info.name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as err:          # an optional extra (e.g. the notebook's) is missing
        if err.name.split(".")[0] in ("tinynet", "numpy", "numba", "matplotlib"):
            raise
        pytest.skip(f"{name} needs {err.name}, an optional dependency")
    tests = doctest.DocTestFinder().find(module, name, globs={"np": np, **vars(module)})
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed (output above)"


def test_the_examples_that_used_to_print_nothing_now_show_their_output():
    from tinynet.init import lsuv, random_basic, schemes

    for module in (schemes, random_basic, lsuv):
        examples = [e for t in doctest.DocTestFinder().find(module) for e in t.examples]
        assert examples and all(e.want or e.source.lstrip().startswith(("import", "from", "_ =", "model =", "x =", "report =", "w ="))
                                for e in examples), module.__name__
