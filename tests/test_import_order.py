"""The engine reads bottom-up: no import cycle, no import inside a function, no injection.

dtypes, shapes <- autograd <- activations, ops, reductions, shaping <- tensor <- functional
(kernels sits below ops). Checked on the source with ``ast``, so a cycle cannot hide
behind Python's tolerance of partially initialised modules.
"""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "tinynet"
ENGINE = ["dtypes", "shapes", "autograd", "activations", "ops", "reductions", "shaping", "tensor",
          "functional", "gradcheck", "losses", "dense_layers"]
LEVEL = {"dtypes": 0, "shapes": 0, "kernels": 1, "autograd": 1, "activations": 2, "ops": 2,
         "reductions": 2, "shaping": 2, "tensor": 3, "functional": 4, "gradcheck": 4, "losses": 5,
         "dense_layers": 0}


def _imports(tree):
    """(module imported from the package, line, inside a function?) for every relative import."""
    found = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.ImportFrom) and child.level == 1:
                names = [child.module] if child.module else [a.name for a in child.names]
                found.extend((n.split(".")[0], child.lineno, inside) for n in names)
            visit(child, inside)

    visit(tree, False)
    return found


@pytest.mark.parametrize("name", ENGINE)
def test_engine_module_imports_only_below_itself_at_the_top(name):
    tree = ast.parse((PACKAGE / f"{name}.py").read_text())
    for module, line, in_function in _imports(tree):
        assert not in_function, f"{name}.py:{line} imports {module} inside a function"
        if module in LEVEL:
            assert LEVEL[module] < LEVEL[name], f"{name}.py:{line} imports {module}, which is not below it"


def test_no_module_sets_another_modules_globals():
    """The old cycle was broken by ``autograd._tensor_class = Tensor``: no such assignment remains."""
    for name in ENGINE:
        tree = ast.parse((PACKAGE / f"{name}.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                        assert target.value.id not in LEVEL and not target.value.id.startswith("_"), \
                            f"{name}.py:{node.lineno} assigns into module {target.value.id}"
