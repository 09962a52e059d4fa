"""The one way tinynet finds a model's Dense layers (what LSUV, the diagnostics and the lab visit).

Duck-typed, so ``init`` (below ``nn``) can use it without importing ``nn``: a model is
anything with ``modules()`` yielding its layers in forward order, and a Dense layer is a
module with a ``kernel``.
"""

__all__ = ["dense_layers"]


def dense_layers(model, who="dense_layers"):
    """The modules of ``model`` that own a ``kernel``, in forward order (a list)."""
    if not hasattr(model, "modules"):
        raise TypeError(f"{who}: expected a tinynet model with modules() (e.g. nn.Sequential), "
                        f"got {type(model).__name__}")
    return [m for m in model.modules() if hasattr(m, "kernel")]
