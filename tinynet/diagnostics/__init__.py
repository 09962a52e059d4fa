"""Diagnostics: look inside a network at initialization (and during training).

- ``layer_statistics(model, x, y)``: per-layer activation mean/std, saturation, dead
  units, gradient std (dL/dz and dL/dW), update:weight ratio, distinct units (hooks.py);
- ``distinct_units``, ``dead_fraction``, ``saturation_fraction``, ``update_ratio``
  (measures.py);
- ``jacobian_singular_values``, ``layer_jacobian_singular_values`` (jacobian.py);
- ``doctor(model, x)``: flags vanishing, exploding, saturated, dead or symmetric layers and
  recommends an initializer for each activation (doctor.py).
"""
from .doctor import DoctorReport, LayerDiagnosis, doctor
from .hooks import LayerStats, dense_layers, layer_statistics, measure_update_ratios
from .jacobian import jacobian_singular_values, layer_jacobian_singular_values, layer_jacobians
from .measures import (SATURATION_LEVEL, SYMMETRY_TOL, dead_fraction, distinct_units, rms,
                       saturation_fraction, sgd_update_ratio, update_ratio)

__all__ = [
    "DoctorReport", "LayerDiagnosis", "doctor", "LayerStats", "dense_layers", "layer_statistics",
    "measure_update_ratios", "jacobian_singular_values", "layer_jacobian_singular_values",
    "layer_jacobians", "SATURATION_LEVEL", "SYMMETRY_TOL", "dead_fraction", "distinct_units", "rms",
    "saturation_fraction", "sgd_update_ratio", "update_ratio",
]
