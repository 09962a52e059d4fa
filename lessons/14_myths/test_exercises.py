"""Grader for lesson 14. `tinynet check 14` grades your exercises.py; plain pytest grades it
too (TINYNET_GRADE=reference grades the reference solution)."""
import math

import pytest

from tinynet.lesson_tests import call_exercise, expect, graded_module

LESSON = 14
LETTERS = "ABCDEFGH"
CATEGORIES = ("symmetry", "fan", "gain", "scale", "sign", "arguments", "distribution", "shape")
# what each snippet is NOT, in words that point at the lesson's measurement without naming the answer
NOT_IT = {
    "A": "myth 1 of the lesson measures what this start does to the units",
    "B": "compare the formula with what LeCun et al. (1998) wrote, and with Glorot's",
    "C": "ask what the activation of these layers does to the variance",
    "D": "ask how the signal's size after one layer depends on the width",
    "E": "ask which way the loss moves after this step",
    "F": "read numpy's signature of normal() and what the two positional numbers become",
    "G": "compare the std this draw has with the std the author wanted",
    "H": "count the pixels of one image",
}
ANSWERS = {"A": "symmetry", "B": "fan", "C": "gain", "D": "scale",
           "E": "sign", "F": "arguments", "G": "distribution", "H": "shape"}


def check_classify_bugs(impl):
    got = call_exercise(impl.classify_bugs)
    assert isinstance(got, dict), f"classify_bugs returned a {type(got).__name__}; return a dict letter -> category"
    missing = [letter for letter in LETTERS if letter not in got]
    assert not missing, f"classify_bugs gives no category for snippet(s) {', '.join(missing)}"
    for letter in LETTERS:
        category = got[letter]
        assert category in CATEGORIES, (f"snippet {letter}: {category!r} is not one of the categories "
                                        f"({', '.join(CATEGORIES)})")
        if category != expect(ANSWERS[letter]):
            raise AssertionError(f"snippet {letter}: its mistake is not '{category}'; {NOT_IT[letter]}")


_VARIANCE = {"C": lambda n: 1.0 / n, "D": lambda n: 1e-6, "G": lambda n: 2.0 / n / 3.0}
CASES = [("C", 30, 256), ("C", 2, 64), ("D", 5, 128), ("D", 3, 784), ("G", 10, 64), ("G", 20, 512)]


def _factor(snippet, width):
    return math.sqrt(width * _VARIANCE[snippet](width) / 2.0)


def check_predicted_ratio(impl):
    for snippet, depth, width in CASES:
        got = call_exercise(impl.predicted_ratio, snippet, depth, width)
        try:
            got = float(got)
        except (TypeError, ValueError):
            raise AssertionError(f"predicted_ratio({snippet!r}, {depth}, {width}) returned "
                                 f"{type(got).__name__}; return one number") from None
        factor = _factor(snippet, width)
        want = expect(factor ** (depth - 1))
        if math.isclose(got, want, rel_tol=1e-9):
            continue
        case = f"predicted_ratio({snippet!r}, {depth}, {width})"
        if depth > 2 and math.isclose(got, factor, rel_tol=1e-9):
            raise AssertionError(f"{case} is one layer's factor; the factors of the layers multiply")
        if math.isclose(got, want * factor, rel_tol=1e-9):
            raise AssertionError(f"{case} has one layer's factor too many: from layer 1 to layer {depth} "
                                 f"the signal crosses {depth - 1} layers")
        if math.isclose(got, want * 2 ** ((depth - 1) / 2), rel_tol=1e-9):
            raise AssertionError(f"{case} is 2^({depth - 1}/2) too large: ReLU halves the second moment at "
                                 "every layer, and your rule leaves that out")
        if snippet == "G" and math.isclose(got, want * 3 ** ((depth - 1) / 2), rel_tol=1e-9):
            raise AssertionError(f"{case} is sqrt(3)^{depth - 1} too large: a uniform on [-s, s] does not "
                                 "have std s")
        if math.isclose(got, want ** 2, rel_tol=1e-9):
            raise AssertionError(f"{case} is the square of a std ratio: a ratio of variances")
        raise AssertionError(f"{case} is off by a factor {got / want:.4g}" if want else f"{case} is off")


EXERCISES = {"classify_bugs": check_classify_bugs, "predicted_ratio": check_predicted_ratio}

HINTS = {
    "classify_bugs": [
        "Read each snippet as the claim its author believed, then ask what the code really draws or does: "
        "the lesson runs one experiment per snippet and prints a verdict with its measurement.",
        "Eight snippets, eight categories, one each. Two are about which numbers go into a formula (the fans, "
        "the activation's factor), two about what a numpy call returns, one about the sign of a step, one "
        "about the size of the input, one about a number that ignores the width, one about units that start alike.",
        "Go through the lesson's output myth by myth: each verdict names what went wrong. Return a dict "
        "from each letter 'A' ... 'H' to the category string from CATEGORIES.",
    ],
    "predicted_ratio": [
        "Lesson 8: a ReLU layer multiplies the variance of the pre-activations by fan_in times Var(W) "
        "times one half. Over many layers these factors multiply.",
        "With fan_in = width, one layer multiplies the std by sqrt(width * Var(W) / 2). From layer 1 to "
        "layer depth there are depth - 1 such layers. Var(W) is what each snippet really draws: Glorot with "
        "equal fans, a fixed sigma, or a uniform on [-s, s] (whose variance is s squared over 3).",
        "Write Var(W) for each snippet as a function of width, take the per-layer std factor, and raise it "
        "to the power depth - 1.",
    ],
}


@pytest.mark.parametrize("name", list(EXERCISES))
def test_exercise(name):
    EXERCISES[name](graded_module(__file__, LESSON))
