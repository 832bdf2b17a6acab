"""Frequentist chi^2 analyses of the paper: Eqs. (34) and (35), Delta chi^2 limits and regions.

Every chi^2 here is a one-bin (counting) chi^2 whose expected count comes from
:func:`bayes_tmm.expected.expected_counts` (the same function the Bayesian model uses). The
nuisances enter the expected count linearly and have Gaussian pulls, so they are profiled exactly:

    chi^2 = min_theta [ (D - N0 - sum_k theta_k d_k)^2 / V + sum_k (theta_k / sigma_k)^2 ]
          = (D - N0)^2 / (V + sum_k sigma_k^2 d_k^2),

with N0 the expected count at theta = 0 and d_k = dN/dtheta_k (Sect. 10.1, "analytic minimum").

The TMMs enter only through the total EM count N_EM = Lambda^dag M_beam Lambda with
M_beam = sum_c n_EM[c] M_c (c in the beam), so a limit on N_EM becomes a limit on |Lambda_i|:

* one at a time (the paper's Table 2): |Lambda_i| = sqrt(N_EM / M_beam[i, i]);
* profiled over the other Lambda's and all phases: |Lambda_i| = sqrt(N_EM / S_i), with S_i the Schur
  complement of M_beam at i (the least N_EM per |Lambda_i|^2). S_i = 0 means a blind direction:
  the limit is unbounded, and is reported so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.optimize import brentq

from .experiments import AsimovStatistics, CoherentCountStatistics, SetupSpec
from .expected import check_nuisance_on, expected_counts
from .mixing import OSCILLATION_PARAMETER_SETS, OscillationParameters, pmns_matrix
from .rates import Templates, templates
from .sources import REACTOR_COMPONENTS, SNS_COMPONENTS
from .tmm import effective_moment_matrix

__all__ = [
    "BEAMS",
    "DELTA_CHI2_90_1D",
    "DELTA_CHI2_90_2D",
    "TABLE2_PARAMETERS",
    "CountingChi2",
    "counting_chi2",
    "em_count_limit",
    "closed_form_em_limit",
    "beam_moment_matrix",
    "one_at_a_time_limits",
    "profiled_limits",
    "schur_complements",
    "region_boundary",
    "RegionBoundary",
]

#: Beam choices: which components' EM terms are switched on (all components' SM events always count).
BEAMS: dict[str, tuple[str, ...]] = {
    "prompt": ("prompt",),
    "delayed": ("nue", "numubar"),
    "full": SNS_COMPONENTS,
    "reactor": REACTOR_COMPONENTS,
}
#: 90 % C.L. thresholds used by the paper: one parameter (Table 2, Fig. 2) and two parameters (Figs. 4-7).
DELTA_CHI2_90_1D = 2.71
DELTA_CHI2_90_2D = 4.61
#: Table 2 uses real TMMs and delta_CP = 0 with the de Salas et al. 2018 angles.
TABLE2_PARAMETERS: OscillationParameters = OSCILLATION_PARAMETER_SETS["paper_table2"]


@dataclass(frozen=True)
class CountingChi2:
    """A one-bin chi^2 of one setup and beam, as a function of the total EM count.

    Attributes
    ----------
    experiment, setup, beam : str
    kind : str
        ``"coherent_2017"`` (Eq. 34) or ``"asimov"`` (Eq. 35).
    nuisance_on : str
        Where the signal nuisance acts (``"total"`` or ``"signal"``; Eq. 34 is always ``"total"``).
    sm_events : float
        SM CEvNS events of all components.
    em_events_per_mu2 : dict component -> float
        EM events per unit mu_c^2 of the components in the beam.
    data : float
        Measured (or Asimov) events D.
    stat_variance : float
        V, the statistical variance (N_meas + 2 B_ss + B_0n for Eq. 34; N_SM for Asimov data).
    background : float
        Beam-on background B_0n (0 for Asimov).
    signal_uncertainty, background_uncertainty : float
        sigma_alpha and sigma_beta.
    """

    experiment: str
    setup: str
    beam: str
    kind: str
    nuisance_on: str
    sm_events: float
    em_events_per_mu2: dict
    data: float
    stat_variance: float
    background: float
    signal_uncertainty: float
    background_uncertainty: float

    @property
    def convention(self) -> str:
        """A short description of the chi^2 used (printed next to every limit)."""
        if self.kind == "coherent_2017":
            return (f"Eq.(34) COHERENT 2017 data: N_meas={self.data:g}, B0n={self.background:g}, "
                    f"sigma_alpha={self.signal_uncertainty:g} on total, sigma_beta={self.background_uncertainty:g}")
        return f"Eq.(35) Asimov: sigma_alpha={self.signal_uncertainty:g} on {self.nuisance_on}"

    def expected(self, n_em, alpha=0.0, beta=0.0):
        """Expected events for a total EM count ``n_em`` (array-like) and nuisances alpha, beta."""
        n_em = np.asarray(n_em, dtype=float)
        beta = np.asarray(beta, dtype=float)
        # One pseudo-component carrying the total SM count, and an EM template of one event per unit.
        return expected_counts(np.array([[self.sm_events]]), np.array([[1.0]]), n_em[..., None],
                               alpha=alpha, backgrounds=np.array([[self.background]]), beta=beta[..., None],
                               nuisance_on=self.nuisance_on)[..., 0]

    def __call__(self, n_em):
        """chi^2 profiled over the nuisances, for total EM counts ``n_em`` (>= 0, array-like)."""
        n0 = self.expected(n_em)
        d_alpha = self.expected(n_em, alpha=1.0) - n0  # exact: the model is linear in the nuisances
        d_beta = self.expected(n_em, beta=1.0) - n0
        variance = (self.stat_variance + (self.signal_uncertainty * d_alpha) ** 2
                    + (self.background_uncertainty * d_beta) ** 2)
        return (self.data - n0) ** 2 / variance

    def scaled(self, factor: float) -> "CountingChi2":
        """The same analysis with the exposure (SM, EM and background) multiplied by ``factor``.

        For Eq. (34) the data become Asimov, N_meas = N_SM + B_0n, and the steady-state background scales
        with the exposure too (PHYSICS.md 13, Fig. 3 suggestion: how the paper scaled them is not known).
        """
        if not factor > 0:
            raise ValueError(f"factor must be > 0, got {factor!r}")
        em = {c: v * factor for c, v in self.em_events_per_mu2.items()}
        sm, b = self.sm_events * factor, self.background * factor
        if self.kind == "coherent_2017":
            steady_state = (self.stat_variance - self.data - self.background) / 2.0
            data = sm + b
            variance = data + 2.0 * steady_state * factor + b
        else:
            data, variance = sm, sm
        return replace(self, sm_events=sm, em_events_per_mu2=em, background=b, data=data, stat_variance=variance)


def counting_chi2(spec: SetupSpec, beam: str, *, nuisance_on: str = "signal",
                  signal_uncertainty: float | None = None, tmpl: Templates | None = None) -> CountingChi2:
    """The chi^2 of ``spec`` for ``beam`` (one of :data:`BEAMS` that the source provides).

    Parameters
    ----------
    nuisance_on : {"signal", "total"}
        For Asimov (Eq. 35) analyses only: the paper's Table 2 follows ``"signal"`` (PHYSICS.md 10.2).
    signal_uncertainty : float, optional
        Override sigma_alpha of the spec.
    """
    check_nuisance_on(nuisance_on)
    if beam not in BEAMS:
        raise ValueError(f"unknown beam {beam!r}; choose one of {list(BEAMS)}")
    t = templates(spec) if tmpl is None else tmpl
    missing = [c for c in BEAMS[beam] if c not in t.components]
    if missing:
        raise ValueError(f"{spec.label}: beam {beam!r} needs components {missing}, the source gives {t.components}")
    em = {c: float(t.em_total_per_mu2[t.component_index(c)]) for c in BEAMS[beam]}
    sm = float(t.sm_total.sum())
    stats = spec.statistics
    sigma = stats.signal_uncertainty if signal_uncertainty is None else signal_uncertainty
    if not 0 <= sigma < 1:
        raise ValueError(f"signal_uncertainty must lie in [0, 1), got {sigma!r}")
    if isinstance(stats, CoherentCountStatistics):
        return CountingChi2(
            spec.experiment, spec.setup, beam, "coherent_2017", "total", sm, em,
            data=stats.measured_events,
            stat_variance=stats.measured_events + 2.0 * stats.steady_state_background + stats.prompt_neutron_background,
            background=stats.prompt_neutron_background,
            signal_uncertainty=sigma, background_uncertainty=stats.background_uncertainty,
        )
    assert isinstance(stats, AsimovStatistics)
    return CountingChi2(spec.experiment, spec.setup, beam, "asimov", nuisance_on, sm, em,
                        data=sm, stat_variance=sm, background=0.0,
                        signal_uncertainty=sigma, background_uncertainty=0.0)


def em_count_limit(chi2: CountingChi2, delta_chi2: float = DELTA_CHI2_90_1D) -> float:
    """Upper end of {N_EM >= 0 : chi^2(N_EM) - min chi^2 <= delta_chi2} (events); ``inf`` if unbounded.

    chi^2 saturates at large N_EM (the signal nuisance absorbs any excess) and may never reach the
    threshold: then no limit exists and ``inf`` is returned.
    """
    scale = max(chi2.sm_events, 1.0)
    grid = np.concatenate([[0.0], np.geomspace(1e-8 * scale, 1e8 * scale, 6001)])
    values = chi2(grid)
    chi2_min = values.min()
    allowed = values - chi2_min <= delta_chi2
    if allowed[-1]:
        return float("inf")
    last = int(np.flatnonzero(allowed)[-1])
    f = lambda n: float(chi2(n)) - chi2_min - delta_chi2
    return float(brentq(f, grid[last], grid[last + 1], xtol=1e-14 * scale, rtol=1e-13))


def closed_form_em_limit(sm_events: float, signal_uncertainty: float, delta_chi2: float = DELTA_CHI2_90_1D) -> float:
    """N_EM limit of the Asimov chi^2 with the nuisance on the signal (PHYSICS.md 10.2):
    sqrt(delta_chi2 N_SM / (1 - delta_chi2 sigma^2)); ``inf`` when delta_chi2 sigma^2 >= 1."""
    denominator = 1.0 - delta_chi2 * signal_uncertainty**2
    return float("inf") if denominator <= 0 else float(np.sqrt(delta_chi2 * sm_events / denominator))


def beam_moment_matrix(chi2: CountingChi2, params: OscillationParameters = TABLE2_PARAMETERS) -> np.ndarray:
    """M_beam = sum_c n_EM[c] M_c (Hermitian 3x3): N_EM = Lambda^dag M_beam Lambda, Lambda in 1e-10 mu_B."""
    u = pmns_matrix(params)
    return sum(n * effective_moment_matrix(c, u) for c, n in chi2.em_events_per_mu2.items())


def schur_complements(m: np.ndarray) -> np.ndarray:
    """For each i, min over Lambda with Lambda_i = 1 of Lambda^dag M Lambda (M Hermitian PSD):
    M_ii - M_i,r M_r,r^+ M_r,i. Zero (to rounding) along a blind direction."""
    out = np.empty(3)
    for i in range(3):
        rest = [j for j in range(3) if j != i]
        m_rr = m[np.ix_(rest, rest)]
        m_ri = m[rest, i]
        out[i] = float(np.real(m[i, i] - m_ri.conj() @ np.linalg.pinv(m_rr, hermitian=True) @ m_ri))
    # Values at the rounding level of the matrix are zero: the direction is blind.
    return np.where(out > 1e-10 * np.abs(m).max(), out, 0.0)


def one_at_a_time_limits(chi2: CountingChi2, params: OscillationParameters = TABLE2_PARAMETERS,
                         delta_chi2: float = DELTA_CHI2_90_1D) -> np.ndarray:
    """Limits on |Lambda_1|, |Lambda_2|, |Lambda_3| (1e-10 mu_B), one non-zero at a time (Table 2)."""
    n_lim = em_count_limit(chi2, delta_chi2)
    diag = np.real(np.diag(beam_moment_matrix(chi2, params)))
    with np.errstate(divide="ignore"):
        return np.sqrt(n_lim / diag)


def profiled_limits(chi2: CountingChi2, params: OscillationParameters = TABLE2_PARAMETERS,
                    delta_chi2: float = DELTA_CHI2_90_1D) -> np.ndarray:
    """Limits on each |Lambda_i| with the other two Lambda's and all phases profiled; ``inf`` where the beam
    has a blind direction with a non-zero i-th component (a single-flavour beam)."""
    n_lim = em_count_limit(chi2, delta_chi2)
    s = schur_complements(beam_moment_matrix(chi2, params))
    with np.errstate(divide="ignore"):
        return np.where(s > 0, np.sqrt(n_lim / np.where(s > 0, s, 1.0)), np.inf)


@dataclass(frozen=True)
class RegionBoundary:
    """Boundary of a 90 % C.L. region in the (|Lambda_i|, |Lambda_j|) plane, third Lambda zero.

    ``angle_rad`` runs from 0 (the |Lambda_i| axis) to pi/2 (the |Lambda_j| axis); ``radius`` (1e-10 mu_B) is
    the boundary's distance from the origin in that direction, ``inf`` where the beam cannot see it.
    ``x``, ``y`` are the same points in Cartesian form. ``i``, ``j`` are 1-based.
    """

    i: int
    j: int
    angle_rad: np.ndarray
    radius: np.ndarray
    phase_difference_rad: float

    @property
    def x(self) -> np.ndarray:
        return self.radius * np.cos(self.angle_rad)

    @property
    def y(self) -> np.ndarray:
        return self.radius * np.sin(self.angle_rad)


def region_boundary(chi2: CountingChi2, i: int, j: int, *, phase_difference_rad: float = 0.0,
                    params: OscillationParameters = TABLE2_PARAMETERS, delta_chi2: float = DELTA_CHI2_90_2D,
                    n_points: int = 361) -> RegionBoundary:
    """The region N_EM(Lambda) <= N_EM limit in the plane of |Lambda_i|, |Lambda_j| (1-based), with
    Lambda_i = |Lambda_i| and Lambda_j = |Lambda_j| exp(-i phase_difference_rad) (so the phase difference is
    zeta_i - zeta_j). Because N_EM is a quadratic form the boundary is an ellipse arc."""
    if not (1 <= i <= 3 and 1 <= j <= 3 and i != j):
        raise ValueError(f"i and j must be distinct indices in 1..3, got {i}, {j}")
    m = beam_moment_matrix(chi2, params)
    a, b = i - 1, j - 1
    n_lim = em_count_limit(chi2, delta_chi2)
    theta = np.linspace(0.0, np.pi / 2, n_points)
    c, s = np.cos(theta), np.sin(theta)
    off = np.real(m[a, b] * np.exp(-1j * phase_difference_rad))
    quad = np.real(m[a, a]) * c**2 + np.real(m[b, b]) * s**2 + 2.0 * off * c * s
    tiny = 1e-12 * np.abs(m).max()
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(quad > tiny, np.sqrt(n_lim / np.where(quad > tiny, quad, 1.0)), np.inf)
    return RegionBoundary(i, j, theta, r, phase_difference_rad)
