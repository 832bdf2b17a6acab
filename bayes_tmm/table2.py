"""The paper's Table 2: 90 % C.L. limits on |Lambda_1|, |Lambda_2|, |Lambda_3| for every experiment.

One non-zero Lambda_i at a time, real TMMs, delta_CP = 0 (the paper's setting), Delta chi^2 = 2.71.
Next to each row: the same limit with the other Lambda's and all phases profiled (not in the paper),
which is unbounded (``inf``) for a single-flavour beam because of its blind direction (Eqs. 13-14).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .experiments import SETUP_NAMES, experiment_names, get_setup
from .frequentist import (
    DELTA_CHI2_90_1D,
    TABLE2_PARAMETERS,
    counting_chi2,
    one_at_a_time_limits,
    profiled_limits,
)
from .mixing import OscillationParameters
from .solar import borexino_single_limits, solar_mass_probabilities
from .sources import PionDecayAtRestSource

__all__ = ["Table2Row", "table2_rows", "format_number", "SNS_BEAMS"]

#: SNS beams of the table.
SNS_BEAMS = ("prompt", "delayed", "full")


@dataclass(frozen=True)
class Table2Row:
    """One row of Table 2.

    Attributes
    ----------
    experiment, beam, setup : str
    limits : tuple of 3 floats
        One-at-a-time 90 % C.L. limits on |Lambda_1..3| in 1e-10 mu_B.
    profiled_limits : tuple of 3 floats
        Limits with the other Lambda's and phases profiled; ``inf`` where a blind direction leaves them unbounded.
    convention : str
        The chi^2 (or external limit) that produced the row.
    """

    experiment: str
    beam: str
    setup: str
    limits: tuple[float, float, float]
    profiled_limits: tuple[float, float, float]
    convention: str


def table2_rows(*, nuisance_on: str = "signal", params: OscillationParameters = TABLE2_PARAMETERS,
                delta_chi2: float = DELTA_CHI2_90_1D, signal_uncertainty: dict[str, float] | None = None) -> list[Table2Row]:
    """All rows: CsI, HPGe, LAr, NaI (prompt, delayed, full), the reactors, and Borexino, current and future.

    Parameters
    ----------
    nuisance_on : {"signal", "total"}
        Eq. (35) convention for the projected (Asimov) analyses.
    params : OscillationParameters
        Mixing angles and delta_CP (default: de Salas 2018 with delta_CP = 0).
    signal_uncertainty : dict setup -> sigma_alpha, optional
        Overrides the specs' sigma_alpha for the Asimov analyses, e.g. ``{"current": 0.3, "future": 0.2}``.
    """
    rows = []
    for name in experiment_names():
        for setup in SETUP_NAMES:
            spec = get_setup(name, setup)
            beams = SNS_BEAMS if isinstance(spec.source, PionDecayAtRestSource) else ("reactor",)
            sigma = None
            if signal_uncertainty is not None and spec.statistics.kind == "asimov":
                sigma = signal_uncertainty[setup]
            for beam in beams:
                chi2 = counting_chi2(spec, beam, nuisance_on=nuisance_on, signal_uncertainty=sigma)
                rows.append(Table2Row(
                    name, beam, setup,
                    tuple(float(x) for x in one_at_a_time_limits(chi2, params, delta_chi2)),
                    tuple(float(x) for x in profiled_limits(chi2, params, delta_chi2)),
                    chi2.convention,
                ))
    solar = borexino_single_limits(params)
    p1 = solar_mass_probabilities(params).p1
    limits = (solar.lambda1, solar.lambda2, solar.lambda3)
    # The solar moment matrix is diagonal: profiling the others changes nothing.
    rows.append(Table2Row("Borexino", "solar", "current", limits, limits,
                          f"Borexino Phase-II mu_eff < {solar.mu_eff_limit:g} (90% C.L.), Eq. (38), P_e1 = {p1:.3f} "
                          "(adiabatic MSW, 7Be)"))
    return rows


def format_number(x: float) -> str:
    """Limits printed with three significant figures (trailing zeros kept); unbounded ones as 'unbounded'."""
    return "unbounded" if not np.isfinite(x) else f"{x:#.3g}".rstrip(".")
