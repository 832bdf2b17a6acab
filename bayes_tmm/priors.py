"""Priors on the TMM moduli and the model modes (plain Python: no PyMC import, so the CLI stays fast)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["MODES", "PRIORS", "Prior"]

#: Model modes.
MODES = ("single", "pair", "full")
#: Priors on the moduli |Lambda_i|, by name.
PRIORS = ("flat", "flat_mu2", "log_uniform", "half_normal")


@dataclass(frozen=True)
class Prior:
    """A prior on each modulus |Lambda_i| (units 1e-10 mu_B), independent and identical for i = 1, 2, 3.

    * ``flat``: uniform in |Lambda| on [0, lambda_max];
    * ``flat_mu2``: uniform in |Lambda|^2 on [0, lambda_max^2] (density proportional to |Lambda|): flat in
      the EM rate for one non-zero Lambda_i;
    * ``log_uniform``: uniform in ln |Lambda| on [lambda_min, lambda_max] (scale invariant; needs a cut-off
      lambda_min > 0, which the limit then depends on);
    * ``half_normal``: half-normal of scale ``scale``, truncated at lambda_max.
    """

    name: str = "flat"
    lambda_max: float = 100.0
    lambda_min: float | None = None
    scale: float | None = None

    def __post_init__(self):
        if self.name not in PRIORS:
            raise ValueError(f"prior must be one of {PRIORS}, got {self.name!r}")
        if not (np.isfinite(self.lambda_max) and self.lambda_max > 0):
            raise ValueError(f"lambda_max must be a finite number > 0 (1e-10 mu_B), got {self.lambda_max!r}")
        if self.lambda_min is not None and not 0 < self.lambda_min < self.lambda_max:
            raise ValueError(f"lambda_min must lie in (0, lambda_max={self.lambda_max}), got {self.lambda_min!r}")
        if self.scale is not None and not self.scale > 0:
            raise ValueError(f"scale must be > 0 (1e-10 mu_B), got {self.scale!r}")

    @property
    def lower(self) -> float:
        """Lower cut-off of the log-uniform prior: ``lambda_min`` or lambda_max / 1000."""
        return self.lambda_min if self.lambda_min is not None else self.lambda_max * 1e-3

    @property
    def half_normal_scale(self) -> float:
        """Scale of the half-normal prior: ``scale`` or lambda_max / 3."""
        return self.scale if self.scale is not None else self.lambda_max / 3.0

    def describe(self) -> str:
        if self.name == "flat":
            return f"flat in |Lambda| on [0, {self.lambda_max:.4g}]"
        if self.name == "flat_mu2":
            return f"flat in |Lambda|^2 on [0, {self.lambda_max:.4g}^2]"
        if self.name == "log_uniform":
            return f"log-uniform on [{self.lower:.4g}, {self.lambda_max:.4g}]"
        return f"half-normal of scale {self.half_normal_scale:.4g}"
