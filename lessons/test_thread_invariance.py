"""Every lesson 1-14 prints the same numbers whatever the thread counts (11 and 15 have
their own test in their test_claims.py).

tinynet's products run on its own GEMM, whose summation order does not depend on how many
threads numba has; lessons 3-5 train with a numba loop whose networks are independent of
each other. So a lesson's numbers must not change with ``OPENBLAS_NUM_THREADS`` or
``NUMBA_NUM_THREADS``. Each lesson's main measurements run here in a small configuration,
in two fresh processes (1 thread and 2 threads of each kind), and every number must agree
to the last bit. Wall-clock times are the one thing a lesson prints that may differ; no
probe below records them.
"""
import json
from pathlib import Path

import pytest

from tinynet.lesson_tests import stdout_per_thread_count

LESSONS = Path(__file__).resolve().parent

# lesson number -> code run with the lesson's script imported as ``lesson``; it sets ``result``
# to a structure of numbers (arrays are turned into lists, floats compared exactly).
PROBES = {
    1: """
c = lesson.chain_rule()
result = [c["f"], c["grad_a"], c["grad_b"], lesson.gradient_check()["correct"],
          lesson.gradient_check()["buggy"], lesson.scale_of_the_difference()]
""",
    2: """
hand, auto = lesson.train_both(steps=30)
result = [lesson.compare_gradients()["max_difference"], hand, auto]
""",
    3: """
r = lesson.run(seed=1, steps=200)
sweep = lesson.seed_sweep(range(2), steps=300)
comparison = lesson.init_comparison(steps=300)
result = [r["losses"], r["train_accuracy"], sweep["final_loss"], sweep["train_accuracy"],
          {name: v["losses"][-5:] for name, v in comparison.items()}]
""",
    4: """
z = lesson.zeros_relu(engine_steps=20, long_steps=100)
s = lesson.zeros_sigmoid(steps=20, balanced=False)
result = [z["engine_losses"], z["b3_grad_max"], s["grad_max"], s["unit_spread"], lesson.random_biases()]
""",
    5: """
result = [lesson.constant_engine(steps=50), lesson.dropout_run(steps=20),
          lesson.noise_run(steps=200, seeds=range(2))["end_spread"]]
""",
    6: """
scale = lesson.scale_experiment(depth=5, width=64, batch=100)
result = [{f"{a} {s}": r["stds"] for (a, s), r in scale.items()}, lesson.times_ten_start(0)]
""",
    7: """
import numpy as np
x = np.random.default_rng(0).random((50, 784))
y = np.arange(50) % 10
r = lesson.measure_at_init(lesson.build_tanh_mlp("normalized", 784, 200, 3), x, y, jacobian_samples=0)
result = [r["act_std"], r["grad_std"], lesson.predicted_act_std(r["act_std"][0], 3)]
""",
    8: """
import numpy as np
d = lesson.depth_experiment(depth=8, width=64, batch=50)
rng = np.random.default_rng(0)
train = (rng.standard_normal((400, 64)), rng.integers(0, 10, 400))
curve = lesson.train_deep("he_normal", steps=20, depth=8, width=32, train=train)
result = [d["He"]["stds"], d["Xavier"]["stds"], curve, lesson.tanh_gain_fixed_point()]
""",
    9: """
import numpy as np
spread = lesson.product_spectrum(4, 32, "gaussian", 2)
steps, curve = lesson.steps_to_one_percent(8, "gaussian", max_steps=60)
rng = np.random.default_rng(0)
train = (rng.standard_normal((1000, 20)), rng.integers(0, 10, 1000))
r = lesson.lsuv_experiment(depth=4, width=32, steps=20, train=train)
result = [spread, steps, curve, r["held_out_variances"], {k: v for k, v in r["curves"].items()}]
""",
    # lessons 10-14 on random data shaped like theirs (no Fashion-MNIST needed), a few steps each
    10: """
import numpy as np
rng = np.random.default_rng(0)
x, y = rng.standard_normal((256, 784)).astype(np.float32), rng.integers(0, 10, 256)
result = [lesson.initial_losses(x, y), lesson.hockey_stick(x, y, steps=8, seeds=(0,))]
""",
    12: """
import numpy as np
rng = np.random.default_rng(0)
train = (rng.standard_normal((128, 196)).astype(np.float32), rng.integers(0, 10, 128))
test = (rng.standard_normal((64, 196)).astype(np.float32), rng.integers(0, 10, 64))
runs = {name: lesson.train_cnn(scheme, train, test, steps=4) for name, scheme in lesson.SCHEMES.items()}
result = [{name: [r["initial_loss"], r["losses"], r["test_accuracy"]] for name, r in runs.items()},
          lesson.init_experiment(train[0][:16], seeds=range(1))]
""",
    13: """
import numpy as np
rng = np.random.default_rng(0)
train = (rng.standard_normal((256, 784)).astype(np.float32), rng.integers(0, 10, 256))
bn = lesson.train(lesson.deep_mlp(depth=6, width=16, batch_norm=True), train, steps=6, lr=0.01)
res = lesson.residual_training_experiment(train, train, steps=4, blocks=4)
result = [bn["losses"], {name: [r["losses"], r["test_accuracy"]] for name, r in res.items()},
          lesson.residual_init_experiment(train[0][:32], blocks=4, width=16, seeds=range(1))]
""",
    14: """
import numpy as np
rng = np.random.default_rng(0)
train = (rng.standard_normal((256, 784)).astype(np.float32), rng.integers(0, 10, 256))
result = [lesson.myth_he_only_prelu(depth=4, width=16, batch=20), lesson.myth_sign(train, steps=5),
          lesson.myth_uniform_for_normal(depth=4, width=16, batch=20)]
""",
}

RUNNER = """
import json, sys
import numpy as np
from tinynet.lessons import load_module

def plain(value):
    if isinstance(value, dict):   # wall-clock times are the one thing allowed to differ
        return {str(k): plain(v) for k, v in value.items() if k != "seconds"}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, (np.floating, np.integer, np.bool_)):
        return value.item()
    if hasattr(value, "__dict__") and not isinstance(value, type):
        return plain(vars(value))
    return value

probes = json.loads(sys.argv[1])
out = {}
for number, code in probes.items():
    folder = next(p for p in sorted(__import__("pathlib").Path(sys.argv[2]).iterdir())
                  if p.name.startswith(f"{int(number):02d}_"))
    scope = {"lesson": load_module(folder / "lesson.py", f"{int(number):02d}_lesson_threads")}
    exec(code, scope)
    out[number] = plain(scope["result"])
print(json.dumps(out))
"""


@pytest.mark.slow
def test_lessons_print_the_same_numbers_with_1_and_2_threads():
    probes = {str(n): code for n, code in PROBES.items()}
    outputs = stdout_per_thread_count(RUNNER, json.dumps(probes), str(LESSONS), timeout=600,
                                      env={"MPLBACKEND": "Agg"})
    one, two = (json.loads(out.strip().splitlines()[-1]) for out in outputs)
    differ = [n for n in probes if one[n] != two[n]]
    assert not differ, f"lessons whose numbers change with the thread count: {differ}"
