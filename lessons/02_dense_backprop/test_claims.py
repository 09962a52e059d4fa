"""Lesson 2's claims: the hand-written backward IS autograd's, to float64 rounding."""
import numpy as np

from tinynet.lesson_tests import lesson_script

lesson = lesson_script(__file__, 2)


def test_hand_backward_matches_autograd_to_1e_12():
    result = lesson.compare_gradients()
    assert result["max_difference"] < 1e-16                # README: rounding, below 1e-16
    assert result["loss_difference"] < 1e-12
    assert result["shapes"] == {"W1": (2, 16), "b1": (16,), "W2": (16, 3), "b2": (3,)}


def test_training_by_hand_follows_autograd():
    hand, auto = lesson.train_both(steps=60)
    assert np.max(np.abs(hand - auto)) < 1e-12
    assert hand[-1] < hand[0]


def test_softmax_cross_entropy_gradient_is_p_minus_y():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((7, 2)), rng.integers(0, 3, 7)
    W1, b1, W2, b2 = rng.standard_normal((2, 4)), rng.standard_normal(4), rng.standard_normal((4, 3)), rng.standard_normal(3)
    # dL/db2 = Σ_n (p_n − y_n) / N: with W2 = 0 every p_n is uniform (1/3), so db2 = 1/3 − class frequency
    _, grads = lesson.hand_backward(x, y, W1, b1, np.zeros_like(W2), b2 * 0)
    assert np.allclose(grads["b2"], 1 / 3 - np.bincount(y, minlength=3) / 7, atol=1e-15)


def test_readme_training_figures():
    """README: 300 steps take the loss from about 1.14 to 0.23, both ways."""
    hand, auto = lesson.train_both()
    assert len(hand) == 300
    assert round(hand[0], 2) == 1.14 and round(hand[-1], 2) == 0.23 and round(auto[-1], 2) == 0.23
    assert np.max(np.abs(hand - auto)) < 1e-14                    # "of the order of 1e-15"
