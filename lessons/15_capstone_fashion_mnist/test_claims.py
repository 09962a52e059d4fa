"""Lesson 15's claims on Fashion-MNIST: the comparison separates good from bad schemes, the
doctor finds and fixes a vanishing deep ReLU net, and He/Glorot MLPs reach the published
MLP baselines (>= 0.87 test accuracy)."""
import pytest

from tinynet.lesson_tests import lesson_script, have_fashion_mnist, NO_FASHION_MNIST

EPOCHS = 5   # of Adam, lr 1e-3 then 1e-4 for the last epoch, batch 128 (lesson.train_mlp)


lesson = lesson_script(__file__, 15)


pytestmark = pytest.mark.skipif(not have_fashion_mnist(), reason=NO_FASHION_MNIST)


@pytest.fixture(scope="module")
def images():
    return lesson.load_images()


def test_doctor_flags_glorot_in_deep_relu_and_prescribes_he(images):
    (x, y), _ = images
    result = lesson.doctor_demo(x[:256], y[:256])
    assert not result["broken"].healthy
    assert any(problem == "vanishing" for _, problem in result["broken"].problems)
    assert result["prescription"] == "he_normal"
    assert result["fixed"].healthy, str(result["fixed"])


@pytest.mark.slow
def test_compare_ranks_he_above_zeros_and_tiny_sigma(tmp_path):
    comparison = lesson.run_compare(depth=3, width=64, steps=150, seeds=1,
                                    inits="zeros,random_normal:0.01,he_normal", out=tmp_path, progress=False)
    summary = comparison.summaries
    assert summary["zeros"]["verdict"] == "stalls"
    assert summary["he_normal"]["verdict"] == "converges"
    he = summary["he_normal"]["test_accuracy"]["mean"]
    for bad in ("zeros", "random_normal:0.01"):
        assert summary[bad]["test_accuracy"]["mean"] < he - 0.2, (bad, summary[bad]["test_accuracy"], he)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(lesson.BASELINES))
def test_he_and_glorot_mlps_reach_the_published_baseline(name, images):
    initializer, activation = lesson.BASELINES[name]
    accuracy = lesson.train_mlp(initializer, activation, epochs=EPOCHS, images=images)
    assert accuracy[-1] >= 0.87, accuracy

