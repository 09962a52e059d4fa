"""`tinynet compare --model mlp|cnn|resmlp --norm none|batch|layer`: the networks it builds,
its defaults (unchanged: a 5 x 64 MLP), its errors, and a CNN comparison that says how
long it takes before it starts."""
import numpy as np
import pytest

from tinynet import init, nn
from tinynet.lab import CompareConfig, LabError, compare
from tinynet.lab import models
from tinynet.lesson_tests import NO_FASHION_MNIST, have_fashion_mnist


def test_defaults_are_unchanged():
    config = CompareConfig()
    assert (config.model, config.norm, config.depth, config.width) == ("mlp", "none", 5, 64)
    model = models.build(config, 2, 3, init.get("he_normal"), np.float64)
    assert [type(m).__name__ for m in model.layers] == ["Dense"] * 6
    assert [m.kernel.shape for m in model.layers] == [(2, 64)] + [(64, 64)] * 4 + [(64, 3)]
    assert config.examples == (None, None)


def test_cnn_defaults_and_shapes():
    config = CompareConfig(dataset="fashion-mnist", model="cnn")
    assert (config.depth, config.width, config.steps) == (4, 8, 100)
    model = models.build(config, 784, 10, init.get("he_normal"), np.float32)
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2D)]
    assert [c.kernel.shape for c in convs] == [(3, 3, 1, 8)] + [(3, 3, 8, 8)] * 3
    assert model(np.zeros((2, 784), np.float32)).shape == (2, 10)
    assert models.describe(config) == "CNN 4 conv x 8 ch relu"


@pytest.mark.parametrize("norm,cls", [("batch", nn.BatchNorm), ("layer", nn.LayerNorm)])
@pytest.mark.parametrize("model_name", ["mlp", "cnn", "resmlp"])
def test_every_hidden_layer_gets_the_norm(model_name, norm, cls):
    config = CompareConfig(dataset="fashion-mnist", model=model_name, norm=norm, depth=2, width=4)
    model = models.build(config, 784, 10, init.get("glorot_uniform"), np.float64)
    norms = [m for m in model.modules() if isinstance(m, cls)]
    assert len(norms) == (4 if model_name == "resmlp" else 2)
    assert model(np.random.default_rng(0).standard_normal((3, 784))).shape == (3, 10)


def test_resmlp_is_made_of_residual_blocks_with_the_scheme_on_every_kernel():
    config = CompareConfig(model="resmlp", depth=3, width=8)
    model = models.build(config, 2, 3, init.Zeros(), np.float64)
    assert sum(isinstance(m, nn.Residual) for m in model.layers) == 3
    assert all(np.all(layer.kernel.data == 0) for layer in model.dense_layers())


def test_bad_model_options_are_clear_errors():
    with pytest.raises(LabError, match="--model cnn needs images"):
        CompareConfig(dataset="spirals", model="cnn")
    with pytest.raises(LabError, match="unknown model 'cnnn'.*'cnn'"):
        CompareConfig(model="cnnn")
    with pytest.raises(LabError, match="unknown norm"):
        CompareConfig(norm="group")


@pytest.mark.slow
@pytest.mark.skipif(not have_fashion_mnist(), reason=NO_FASHION_MNIST)
def test_cnn_comparison_runs_and_announces_its_duration(tmp_path, capsys):
    from tinynet.cli import main

    code = main(["compare", "--dataset", "fashion-mnist", "--model", "cnn", "--inits", "he_normal,zeros",
                 "--seeds", "1", "--steps", "3", "--out", str(tmp_path / "out")])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "minutes on 2 cores" in err.splitlines()[1]
    assert "CNN 4 conv x 8 ch relu" in out and "10000 train / 2000 test" in out


def test_the_mlp_comparison_is_the_same_as_before():
    """--model mlp --norm none builds exactly the network the lab always built."""
    result = compare(CompareConfig(inits="he_normal", seeds=1, steps=5), progress=False, write=False)
    again = compare(CompareConfig(inits="he_normal", seeds=1, steps=5, model="mlp", norm="none"),
                    progress=False, write=False)
    assert result.runs[0]["loss_curve"] == again.runs[0]["loss_curve"]
