"""Lesson 14 exercises: name each snippet's mistake, then predict what three of them do to
the signal of a deep ReLU network.

Grade with `tinynet check 14`; `tinynet hint 14 <name>` gives a hint.

Each snippet below was written by someone who believed one of the claims this lesson
tests. ``fan_in, fan_out`` are a Dense kernel's fans; ``x`` holds flattened 28 x 28 images.

Snippet A  ("any start works: the optimizer's noise escapes bad starting points")
    W1 = np.full((784, 256), 0.01)
    W2 = np.full((256, 10), 0.01)

Snippet B  ("LeCun normal")
    W = np.random.normal(0, np.sqrt(2 / (fan_in + fan_out)), size=(fan_in, fan_out))

Snippet C  (a 30-layer ReLU network; "He init is for PReLU, so plain ReLU gets Xavier")
    layers = [Dense(256, 256, activation="relu", kernel_initializer="glorot_normal") for _ in range(30)]

Snippet D  ("sigma = 0.001 is a safe default")
    W = 0.001 * np.random.randn(fan_in, fan_out)

Snippet E  (the update)
    W_new = W_old + dL_dW

Snippet F  ("Glorot uniform")
    limit = np.sqrt(6 / (fan_in + fan_out))
    W = np.random.normal(-limit, limit, size=(fan_in, fan_out))

Snippet G  ("He normal")
    std = np.sqrt(2 / fan_in)
    W = np.random.uniform(-std, std, size=(fan_in, fan_out))

Snippet H  (an MNIST classifier)
    W = glorot_uniform((768, 10))
    logits = x.reshape(-1, 768) @ W
"""

CATEGORIES = (
    "symmetry",       # every unit starts the same, so every unit stays the same
    "fan",            # the variance uses the wrong fan (or fans)
    "gain",           # the factor for the activation function is missing or wrong
    "scale",          # a fixed number where the scale must follow the layer's width
    "sign",           # the step goes uphill
    "arguments",      # a function's arguments mean something else than the author thinks
    "distribution",   # the intended std, drawn from a distribution whose std is different
    "shape",          # the layer does not fit the data
)


def classify_bugs():
    """Return a dict {snippet letter: category}: for each snippet "A" ... "H", the one
    entry of CATEGORIES that names its mistake."""
    raise NotImplementedError("not implemented yet: `tinynet hint 14 classify_bugs` gives a hint")


def predicted_ratio(snippet, depth, width):
    """For snippet "C", "D" or "G": the ratio std(layer depth) / std(layer 1) of the
    pre-activations in a stack of ReLU layers that are all ``width`` wide (fan_in = fan_out
    = width), initialized as the snippet draws them, zero biases. Return a float."""
    raise NotImplementedError("not implemented yet: `tinynet hint 14 predicted_ratio` gives a hint")
