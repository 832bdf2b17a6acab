"""Leptonic mixing: oscillation-parameter sets and the PMNS matrix (PHYSICS.md Sect. 1.2).

The PMNS matrix is built in the PDG parametrization with one Dirac phase,
``U = R23 . Gamma_delta R13 Gamma_delta^dagger . R12`` with ``Gamma_delta = diag(1, 1, e^{i delta})``,
so that ``U_e3 = s13 e^{-i delta}``. Majorana phases are not included: for transition magnetic
moments they can be absorbed into the phases zeta_i of Lambda_i (Lambda_i -> Lambda_i e^{i chi_i}).

Default parameters: de Salas et al. 2018, arXiv:1708.01186 (PLB 782 (2018) 633), normal ordering,
best fit. Table 2 of arXiv:1905.03750 uses the same angles with ``delta_CP = 0``; that set is
available as ``OSCILLATION_PARAMETER_SETS["paper_table2"]`` or as
``DESALAS2018_NO.with_delta_cp(0.0)``.

Units: mass-squared splittings in eV^2, the Dirac phase in radians.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from types import MappingProxyType

import numpy as np

__all__ = [
    "OscillationParameters",
    "DESALAS2018_NO",
    "OSCILLATION_PARAMETER_SETS",
    "oscillation_parameters",
    "pmns_matrix",
]

_ORDERINGS = ("normal", "inverted")


@dataclass(frozen=True)
class OscillationParameters:
    """Three-flavour oscillation parameters (validated on construction).

    Attributes
    ----------
    sin2_12, sin2_23, sin2_13 : float
        sin^2 of the mixing angles, each in [0, 1].
    delta_cp : float
        Dirac CP phase in radians (any finite real; it is periodic with period 2 pi).
    dm21_eV2 : float
        Delta m^2_21 in eV^2 (> 0). Used only by the solar (MSW) part.
    dm31_abs_eV2 : float
        |Delta m^2_31| in eV^2 (> 0). Not used by the effective moments; kept for completeness.
    ordering : str
        "normal" or "inverted".
    source : str
        Free-text provenance (citation) of the numbers.

    Examples
    --------
    >>> p = OscillationParameters(sin2_12=0.32, sin2_23=0.547, sin2_13=0.0216, delta_cp=0.0)
    >>> round(p.theta12_rad, 4)
    0.6013
    """

    sin2_12: float
    sin2_23: float
    sin2_13: float
    delta_cp: float = 0.0
    dm21_eV2: float = 7.55e-5
    dm31_abs_eV2: float = 2.50e-3
    ordering: str = "normal"
    source: str = ""

    def __post_init__(self) -> None:
        for name in ("sin2_12", "sin2_23", "sin2_13"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float, np.floating, np.integer)) and 0.0 <= float(value) <= 1.0):
                raise ValueError(f"OscillationParameters.{name} must be a number in [0, 1], got {value!r}")
        if not (isinstance(self.delta_cp, (int, float, np.floating, np.integer)) and math.isfinite(self.delta_cp)):
            raise ValueError(f"OscillationParameters.delta_cp must be a finite number (radians), got {self.delta_cp!r}")
        for name in ("dm21_eV2", "dm31_abs_eV2"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float, np.floating, np.integer)) and 0.0 < float(value) < math.inf):
                raise ValueError(f"OscillationParameters.{name} must be a finite number > 0 (eV^2), got {value!r}")
        if self.ordering not in _ORDERINGS:
            raise ValueError(f"OscillationParameters.ordering must be one of {_ORDERINGS}, got {self.ordering!r}")

    # Angles in radians, derived from sin^2 (all angles lie in [0, pi/2] in the PDG convention).
    @property
    def theta12_rad(self) -> float:
        """theta_12 in radians."""
        return math.asin(math.sqrt(self.sin2_12))

    @property
    def theta23_rad(self) -> float:
        """theta_23 in radians."""
        return math.asin(math.sqrt(self.sin2_23))

    @property
    def theta13_rad(self) -> float:
        """theta_13 in radians."""
        return math.asin(math.sqrt(self.sin2_13))

    def with_delta_cp(self, delta_cp: float) -> OscillationParameters:
        """A copy with the Dirac phase replaced by ``delta_cp`` (radians).

        >>> DESALAS2018_NO.with_delta_cp(0.0).delta_cp
        0.0
        """
        return replace(self, delta_cp=float(delta_cp))


#: de Salas et al. 2018 (arXiv:1708.01186, PLB 782 (2018) 633), normal ordering, best fit.
DESALAS2018_NO = OscillationParameters(
    sin2_12=0.320,
    sin2_23=0.547,
    sin2_13=0.0216,
    delta_cp=1.32 * math.pi,
    dm21_eV2=7.55e-5,
    dm31_abs_eV2=2.50e-3,
    ordering="normal",
    source="de Salas et al. 2018, arXiv:1708.01186, NO best fit",
)

#: Named parameter sets. "paper_table2" is the set behind Table 2 of arXiv:1905.03750
#: (de Salas NO angles with delta_CP = 0; PHYSICS.md Sect. 1.2, [REPRODUCED]).
OSCILLATION_PARAMETER_SETS = MappingProxyType(
    {
        "desalas2018_no": DESALAS2018_NO,
        "paper_table2": replace(
            DESALAS2018_NO,
            delta_cp=0.0,
            source="de Salas et al. 2018 NO angles with delta_CP = 0 (arXiv:1905.03750, Table 2)",
        ),
    }
)


def oscillation_parameters(name: str = "desalas2018_no") -> OscillationParameters:
    """Look up a named parameter set; raises ValueError listing the known names.

    >>> oscillation_parameters("paper_table2").delta_cp
    0.0
    """
    try:
        return OSCILLATION_PARAMETER_SETS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown oscillation parameter set {name!r}; allowed: {sorted(OSCILLATION_PARAMETER_SETS)}"
        ) from None


def pmns_matrix(params: OscillationParameters | None = None) -> np.ndarray:
    """PMNS matrix U (complex, shape (3, 3), rows = flavour e, mu, tau; columns = mass 1, 2, 3).

    PDG parametrization with a Dirac phase only (see the module docstring). ``params`` defaults to
    :data:`DESALAS2018_NO`.

    >>> U = pmns_matrix(DESALAS2018_NO.with_delta_cp(0.0))
    >>> [round(float(x), 4) for x in abs(U[0]) ** 2]
    [0.6653, 0.3131, 0.0216]
    """
    p = DESALAS2018_NO if params is None else params
    if not isinstance(p, OscillationParameters):
        raise ValueError(f"params must be an OscillationParameters, got {type(p).__name__}")
    s12, s23, s13 = math.sqrt(p.sin2_12), math.sqrt(p.sin2_23), math.sqrt(p.sin2_13)
    c12, c23, c13 = math.sqrt(1.0 - p.sin2_12), math.sqrt(1.0 - p.sin2_23), math.sqrt(1.0 - p.sin2_13)
    eid = complex(math.cos(p.delta_cp), math.sin(p.delta_cp))  # e^{+i delta}
    r23 = np.array([[1, 0, 0], [0, c23, s23], [0, -s23, c23]], dtype=complex)
    # Gamma R13 Gamma^dagger puts e^{-i delta} on U_e3 and e^{+i delta} on the (3,1) entry.
    r13 = np.array([[c13, 0, s13 / eid], [0, 1, 0], [-s13 * eid, 0, c13]], dtype=complex)
    r12 = np.array([[c12, s12, 0], [-s12, c12, 0], [0, 0, 1]], dtype=complex)
    return r23 @ r13 @ r12
