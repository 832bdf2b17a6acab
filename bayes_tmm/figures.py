"""The figures of arXiv:1905.03750 (Figs. 1-8), made from the package's frequentist machinery.

Each figure is split into DATA and DRAWING:

* ``figN_data(...)`` is a pure function returning a frozen dataclass of read-only numpy arrays
  (magnetic moments in units of 1e-10 mu_B, energies in keV);
* ``draw_figN(data)`` turns that data into a :class:`matplotlib.figure.Figure`. Figures are built with
  ``Figure`` directly (no pyplot), so importing this module never changes the user's backend;
* :func:`write_all_figures` computes and draws all eight and saves ``figN.png`` and ``figN.pdf``.

What the figures show (PHYSICS.md Sect. 13)
-------------------------------------------
Fig. 1  Lindhard quenching factor Q(T_nr) of Eq. (27) for Cs, I, Na, Ge, Ar, Si, Xe, 0.1-100 keVnr.
Fig. 2  Delta chi^2 versus one |Lambda_i| (the other two zero, real TMMs, delta_CP = 0: the Table 2
        convention) with N_EM = |Lambda_i|^2 M_beam[i, i]. Columns: i = 1, 2, 3. Upper row: SNS current
        setups, prompt (solid) and delayed (dashed) beams; CsI uses the COHERENT 2017 data (Eq. 34),
        HPGe/LAr/NaI the Asimov chi^2 (Eq. 35). Lower row: the five reactor experiments, current setups.
        The dotted line is Delta chi^2 = 2.71 (90 % C.L., one parameter).
Fig. 3  The 90 % C.L. (Delta chi^2 = 2.71) limit on |Lambda_1| versus a luminosity factor f multiplying the
        exposure (SM, EM and background events), f = 1-1000, current setups. The Asimov chi^2 with the
        nuisance on the signal gives exactly f^-1/4; CsI (Eq. 34, nuisance on the total count) saturates
        because the 28 % normalization uncertainty grows with the counts. For CsI the scaled analyses use
        Asimov data N_meas = N_SM + B_0n at every f (CountingChi2.scaled), so f = 1 is not the real-data
        limit; that one is marked by a star. |Lambda_2| and |Lambda_3| follow the same curves up to a
        constant factor (the factor f cancels in their ratios).
Figs. 4-6  90 % C.L. (Delta chi^2 = 4.61, two parameters) allowed regions in the (|L1|,|L2|), (|L1|,|L3|),
        (|L2|,|L3|) planes, third Lambda = 0, real positive TMMs, delta_CP = 0. Fig. 4: current COHERENT
        (CsI data + HPGe/LAr/NaI Asimov), rows prompt and delayed beam. Fig. 5: the same for the future
        setups. Fig. 6: reactors, rows current and future. N_EM is a quadratic form in the moduli, so
        every boundary is an ellipse arc; a direction the beam cannot see (infinite radius) is drawn as an
        open region clipped at the frame.
Fig. 7  CP-phase dependence of the (|L1|,|L2|) region (Lambda_3 = 0, Delta chi^2 = 4.61), current setups:
        upper panel CsI prompt (data), lower panel CONNIE. The Dirac phase delta_CP and the phase
        difference delta_12 = zeta_1 - zeta_2 are scanned over [0, 2 pi); per direction the smallest
        (innermost) and largest (outermost) radius over the scan are drawn, with the real-TMM region
        (both phases 0) as reference. The shaded band is allowed for some phases but not for all.
Fig. 8  Borexino: the allowed quarter ellipses in the three planes from mu_eff^sol < 2.8e-11 mu_B (90 % C.L.,
        Eq. 38), no new fit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FormatStrFormatter, LogLocator, NullFormatter

from .experiments import experiment_names, get_setup
from .frequentist import (
    DELTA_CHI2_90_1D,
    DELTA_CHI2_90_2D,
    TABLE2_PARAMETERS,
    CountingChi2,
    beam_moment_matrix,
    counting_chi2,
    em_count_limit,
    one_at_a_time_limits,
    region_boundary,
)
from .mixing import OscillationParameters
from .nuclei import element
from .quenching import lindhard_k, lindhard_quenching
from .solar import BOREXINO_MU_EFF_LIMIT_1e10muB, borexino_region_boundary, borexino_single_limits
from .sources import PionDecayAtRestSource

__all__ = [
    "QUENCHING_NUCLEI",
    "PLANES",
    "QuenchingCurve",
    "Fig1Data",
    "DeltaChi2Curve",
    "Fig2Data",
    "LimitScalingCurve",
    "Fig3Data",
    "RegionContour",
    "RegionRow",
    "RegionFigureData",
    "PhaseEnvelope",
    "Fig7Data",
    "sns_experiments",
    "reactor_experiments",
    "fig1_data",
    "fig2_data",
    "fig3_data",
    "fig4_data",
    "fig5_data",
    "fig6_data",
    "fig7_data",
    "fig8_data",
    "draw_fig1",
    "draw_fig2",
    "draw_fig3",
    "draw_region_figure",
    "draw_fig4",
    "draw_fig5",
    "draw_fig6",
    "draw_fig7",
    "draw_fig8",
    "save_figure",
    "write_all_figures",
]

#: Nuclei of Fig. 1, in the paper's order.
QUENCHING_NUCLEI = ("Cs", "I", "Na", "Ge", "Ar", "Si", "Xe")
#: The three planes (1-based mass indices) of Figs. 4-6 and 8.
PLANES = ((1, 2), (1, 3), (2, 3))

_MU_UNIT = r"$10^{-10}\,\mu_B$"
_BEAM_STYLE = {"prompt": "-", "delayed": "--", "reactor": "-", "solar": "-"}


def _ro(values) -> np.ndarray:
    """A read-only float copy: the dataclasses below are frozen, their arrays should be too."""
    a = np.array(values, dtype=float)
    a.setflags(write=False)
    return a


def _lambda_label(i: int) -> str:
    return rf"$|\Lambda_{i}|$ [{_MU_UNIT}]"


def _plain_log_ticks(axis) -> None:
    """Label a log axis at 1, 2, 5 x 10^n in plain numbers (the default 2x10^0 labels overlap on short ranges)."""
    axis.set_major_locator(LogLocator(base=10.0, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(FormatStrFormatter("%g"))
    axis.set_minor_formatter(NullFormatter())


def _experiment_color(name: str) -> str:
    # One fixed colour per experiment across all figures (paper order -> tab10).
    order = ["CsI", "HPGe", "LAr", "NaI", "CONUS", "CONNIE", "MINER", "TEXONO", "RED100"]
    if name == "Borexino":
        return "black"
    k = order.index(name) if name in order else len(order) + sum(map(ord, name))
    return f"C{k % 10}"


def sns_experiments() -> tuple[str, ...]:
    """Experiments at the SNS (pion decay at rest), in the paper's order."""
    return tuple(n for n in experiment_names() if isinstance(get_setup(n, "current").source, PionDecayAtRestSource))


def reactor_experiments() -> tuple[str, ...]:
    """Reactor experiments, in the paper's order."""
    return tuple(n for n in experiment_names() if not isinstance(get_setup(n, "current").source, PionDecayAtRestSource))


def _chi2(experiment: str, setup: str, beam: str) -> CountingChi2:
    # Table-2 convention: the spec's statistics, nuisance on the signal for Asimov analyses.
    return counting_chi2(get_setup(experiment, setup), beam)


# ------------------------------------------------------------------------------------------------
# Fig. 1: quenching
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuenchingCurve:
    """Q(T) of one nucleus. ``recoil_keVnr`` in keVnr, ``quenching`` dimensionless; ``k`` is Lindhard's k."""

    symbol: str
    Z: int
    A: float
    k: float
    recoil_keVnr: np.ndarray
    quenching: np.ndarray


@dataclass(frozen=True)
class Fig1Data:
    """Lindhard quenching curves (Eq. 27), one per nucleus."""

    curves: tuple[QuenchingCurve, ...]


def fig1_data(recoil_keVnr=None, nuclei: tuple[str, ...] = QUENCHING_NUCLEI) -> Fig1Data:
    """Q(T) on ``recoil_keVnr`` (keVnr; default 301 log-spaced points 0.1-100 keVnr, containing 1 keVnr)."""
    t = np.logspace(-1.0, 2.0, 301) if recoil_keVnr is None else np.asarray(recoil_keVnr, dtype=float)
    curves = []
    for symbol in nuclei:
        el = element(symbol)
        A = el.molar_mass_g_per_mol
        q = lindhard_quenching(t, el)
        curves.append(QuenchingCurve(symbol, el.Z, A, float(lindhard_k(el.Z, A)), _ro(t), _ro(q)))
    return Fig1Data(tuple(curves))


def draw_fig1(data: Fig1Data) -> Figure:
    """Q(T_nr) on a log energy axis."""
    fig = Figure(figsize=(7.0, 5.0), layout="constrained")
    ax = fig.add_subplot()
    # Cs, I and Xe nearly coincide (Z = 53-55): distinct line styles keep them apart.
    styles = {"I": "--", "Xe": ":"}
    for k, c in enumerate(data.curves):
        ax.plot(c.recoil_keVnr, c.quenching, color=f"C{k}", ls=styles.get(c.symbol, "-"), lw=1.8,
                label=f"{c.symbol} (Z={c.Z}, A={c.A:.2f}, k={c.k:.4f})")
    ax.set_xscale("log")
    ax.set_xlabel(r"nuclear recoil energy $T_\mathrm{nr}$ [keV$_\mathrm{nr}$]")
    ax.set_ylabel(r"quenching factor $Q = T_\mathrm{ee}/T_\mathrm{nr}$")
    ax.set_title("Fig. 1: Lindhard quenching factor, Eq. (27)\n"
                 r"$Q=kg/(1+kg)$, $k=0.133\,Z^{2/3}A^{-1/2}$, $g=3\epsilon^{0.15}+0.7\epsilon^{0.6}+\epsilon$,"
                 r" $\epsilon=11.5\,Z^{-7/3}T$[keV]", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=9)
    return fig


# ------------------------------------------------------------------------------------------------
# Fig. 2: Delta chi^2 profiles
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeltaChi2Curve:
    """Delta chi^2 of one setup and beam versus |Lambda_i| (the other two Lambda's zero, Table-2 phases).

    ``modulus`` in 1e-10 mu_B (starts at 0), ``delta_chi2`` = chi^2 - min over the scanned range,
    ``limit`` the one-at-a-time 90 % C.L. limit (Delta chi^2 = 2.71) of
    :func:`frequentist.one_at_a_time_limits`, ``convention`` a description of the chi^2.
    """

    experiment: str
    setup: str
    beam: str
    index: int
    convention: str
    modulus: np.ndarray
    delta_chi2: np.ndarray
    limit: float


@dataclass(frozen=True)
class Fig2Data:
    """Delta chi^2 curves for |Lambda_1|, |Lambda_2|, |Lambda_3|: SNS (upper row) and reactor (lower row)."""

    sns: tuple[DeltaChi2Curve, ...]
    reactor: tuple[DeltaChi2Curve, ...]
    threshold: float


def _delta_chi2_curves(chi2s: list[CountingChi2], params: OscillationParameters, n_points: int) -> list[DeltaChi2Curve]:
    limits = [one_at_a_time_limits(c, params) for c in chi2s]
    out = []
    for i in (1, 2, 3):
        # An unbounded limit (inf) has no crossing: it only borrows the others' grid.
        finite = [lim[i - 1] for lim in limits if np.isfinite(lim[i - 1])] or [1.0]
        # One log-spaced grid per panel (plus 0), wide enough for every curve to cross 2.71 well inside.
        lo, hi = 0.1 * min(finite), 3.0 * max(finite)
        grid = np.concatenate([[0.0], np.geomspace(lo, hi, n_points)])
        for c, lim in zip(chi2s, limits):
            m_ii = float(np.real(beam_moment_matrix(c, params)[i - 1, i - 1]))
            chi2 = c(grid**2 * m_ii)  # N_EM = |Lambda_i|^2 M_beam[i, i]
            out.append(DeltaChi2Curve(c.experiment, c.setup, c.beam, i, c.convention, _ro(grid),
                                      _ro(chi2 - chi2.min()), float(lim[i - 1])))
    return out


def fig2_data(setup: str = "current", params: OscillationParameters = TABLE2_PARAMETERS,
              n_points: int = 1500) -> Fig2Data:
    """Delta chi^2 profiles of Fig. 2 for ``setup``; SNS beams prompt and delayed, reactors their full beam."""
    sns = [_chi2(n, setup, b) for n in sns_experiments() for b in ("prompt", "delayed")]
    reactor = [_chi2(n, setup, "reactor") for n in reactor_experiments()]
    return Fig2Data(tuple(_delta_chi2_curves(sns, params, n_points)),
                    tuple(_delta_chi2_curves(reactor, params, n_points)), DELTA_CHI2_90_1D)


def draw_fig2(data: Fig2Data) -> Figure:
    """2 x 3 panels: rows SNS / reactor, columns |Lambda_1|, |Lambda_2|, |Lambda_3|; log modulus axis."""
    fig = Figure(figsize=(14.0, 8.5), layout="constrained")
    axes = fig.subplots(2, 3)
    rows = ((data.sns, "SNS (COHERENT), current"), (data.reactor, "reactors, current"))
    for r, (curves, row_title) in enumerate(rows):
        for col, i in enumerate((1, 2, 3)):
            ax = axes[r, col]
            sel = [c for c in curves if c.index == i]
            for c in sel:
                label = f"{c.experiment} {c.beam}" if c.beam != "reactor" else c.experiment
                ax.plot(c.modulus[1:], c.delta_chi2[1:], color=_experiment_color(c.experiment),
                        ls=_BEAM_STYLE[c.beam], label=f"{label} (<{c.limit:.3g})")
            ax.axhline(data.threshold, color="0.3", ls=":", lw=1.2)
            ax.text(0.02, data.threshold + 0.15, rf"$\Delta\chi^2={data.threshold}$ (90% C.L.)",
                    transform=ax.get_yaxis_transform(), fontsize=8, color="0.3")
            lims = [c.limit for c in sel if np.isfinite(c.limit)] or [c.modulus[-1] / 3.0 for c in sel]
            ax.set_xscale("log")
            _plain_log_ticks(ax.xaxis)
            ax.set_xlim(0.3 * min(lims), 2.5 * max(lims))
            ax.set_ylim(0.0, 8.0)
            ax.set_xlabel(_lambda_label(i))
            ax.set_ylabel(r"$\Delta\chi^2$")
            ax.set_title(rf"{row_title}: only $|\Lambda_{i}|\neq0$", fontsize=10)
            ax.grid(True, which="both", alpha=0.3)
            ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(0.0, 0.93),
                      title="90% C.L. limit in legend", title_fontsize=7)
    fig.suptitle(r"Fig. 2: $\Delta\chi^2$ vs one transition moment at a time (real TMMs, $\delta_{CP}=0$). "
                 "CsI: COHERENT 2017 data, Eq. (34); HPGe/LAr/NaI and reactors: Asimov Eq. (35), "
                 r"$\sigma_\alpha$ on the EM signal." "\nSolid: SNS prompt beam or reactor; dashed: SNS delayed beam.",
                 fontsize=11)
    return fig


# ------------------------------------------------------------------------------------------------
# Fig. 3: luminosity scaling
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LimitScalingCurve:
    """90 % C.L. limit on |Lambda_index| (1e-10 mu_B) versus the exposure factor ``factor``.

    ``limit[k]`` uses ``CountingChi2.scaled(factor[k])``; ``data_limit`` is the unscaled (real-data for
    CsI) limit of the current setup, for reference. ``convention`` describes the unscaled chi^2.
    """

    experiment: str
    setup: str
    beam: str
    index: int
    convention: str
    factor: np.ndarray
    limit: np.ndarray
    data_limit: float


@dataclass(frozen=True)
class Fig3Data:
    """Limit-versus-luminosity curves of SNS (left panel) and reactor (right panel) experiments."""

    sns: tuple[LimitScalingCurve, ...]
    reactor: tuple[LimitScalingCurve, ...]
    index: int


def _scaling_curve(c: CountingChi2, factors: np.ndarray, index: int,
                   params: OscillationParameters) -> LimitScalingCurve:
    lim = [one_at_a_time_limits(c.scaled(float(f)), params)[index - 1] for f in factors]
    return LimitScalingCurve(c.experiment, c.setup, c.beam, index, c.convention, _ro(factors), _ro(lim),
                             float(one_at_a_time_limits(c, params)[index - 1]))


def fig3_data(index: int = 1, factors=None, setup: str = "current",
              params: OscillationParameters = TABLE2_PARAMETERS) -> Fig3Data:
    """Limits on |Lambda_index| versus f (default 61 log-spaced values 1-1000).

    SNS: CsI prompt and delayed (Eq. 34) and HPGe, LAr, NaI delayed (Eq. 35); reactors: all five.
    """
    if index not in (1, 2, 3):
        raise ValueError(f"index must be 1, 2 or 3, got {index!r}")
    f = np.geomspace(1.0, 1000.0, 61) if factors is None else np.asarray(factors, dtype=float)
    sns = [_chi2(n, setup, b) for n in sns_experiments()
           for b in (("prompt", "delayed") if get_setup(n, setup).statistics.kind == "coherent_2017" else ("delayed",))]
    reactor = [_chi2(n, setup, "reactor") for n in reactor_experiments()]
    return Fig3Data(tuple(_scaling_curve(c, f, index, params) for c in sns),
                    tuple(_scaling_curve(c, f, index, params) for c in reactor), index)


def draw_fig3(data: Fig3Data) -> Figure:
    """Log-log limit versus f, with an f^-1/4 reference line through the first curve's f = 1 point."""
    fig = Figure(figsize=(13.0, 5.5), layout="constrained")
    axes = fig.subplots(1, 2)
    i = data.index
    for ax, curves, title in ((axes[0], data.sns, "SNS (COHERENT), current setups"),
                              (axes[1], data.reactor, "reactors, current setups")):
        for c in curves:
            color = _experiment_color(c.experiment)
            label = c.experiment if c.beam == "reactor" else f"{c.experiment} {c.beam}"
            if c.convention.startswith("Eq.(34)"):
                label += " (Eq. 34, Asimov data)"
                ax.plot([1.0], [c.data_limit], marker="*", ms=11, color=color, ls="none",
                        label=f"{c.experiment} {c.beam}: real data (f=1)")
            ax.plot(c.factor, c.limit, color=color, ls=_BEAM_STYLE[c.beam], label=label)
        ref = curves[0]
        ref_name = ref.experiment if ref.beam == "reactor" else f"{ref.experiment} {ref.beam}"
        ax.plot(ref.factor, ref.limit[0] * ref.factor ** -0.25, color="0.2", ls=":", lw=1.5,
                label=rf"$\propto f^{{-1/4}}$ (through {ref_name} at f=1)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        _plain_log_ticks(ax.yaxis)
        ax.set_xlabel(r"luminosity factor $f$ (exposure $\times f$)")
        ax.set_ylabel(rf"90% C.L. limit on {_lambda_label(i)}")
        ax.set_title(title, fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(rf"Fig. 3: 90% C.L. ($\Delta\chi^2=2.71$) limit on $|\Lambda_{i}|$ (others 0, real TMMs, "
                 r"$\delta_{CP}=0$) vs luminosity." "\n"
                 r"Asimov Eq. (35), $\sigma_\alpha$ on the signal: exactly $f^{-1/4}$. CsI Eq. (34) "
                 r"($\sigma_\alpha$ on the total, backgrounds $\times f$) saturates.", fontsize=11)
    return fig


# ------------------------------------------------------------------------------------------------
# Figs. 4-6 and 8: allowed regions in the planes
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionContour:
    """Boundary of an allowed region in the (|Lambda_i|, |Lambda_j|) plane, in polar form about the origin.

    The regions are star-shaped (N_EM is a positive semi-definite quadratic form), so the boundary is a
    radius ``radius`` (1e-10 mu_B, ``inf`` where unbounded) for each direction ``theta`` (radians,
    increasing from 0 on the |Lambda_i| axis to pi/2 on the |Lambda_j| axis). ``em_count_limit`` is the
    N_EM limit (events; ``nan`` for Borexino, whose bound is on mu_eff directly).
    """

    experiment: str
    setup: str
    beam: str
    i: int
    j: int
    theta: np.ndarray
    radius: np.ndarray
    em_count_limit: float

    @property
    def x(self) -> np.ndarray:
        """|Lambda_i| along the boundary (inf where unbounded)."""
        return np.where(np.isinf(self.radius), np.where(np.cos(self.theta) > 1e-12, np.inf, 0.0),
                        self.radius * np.cos(self.theta))

    @property
    def y(self) -> np.ndarray:
        """|Lambda_j| along the boundary (inf where unbounded)."""
        return np.where(np.isinf(self.radius), np.where(np.sin(self.theta) > 1e-12, np.inf, 0.0),
                        self.radius * np.sin(self.theta))


@dataclass(frozen=True)
class RegionRow:
    """One row of a region figure: a title and one tuple of contours per plane in :data:`PLANES`."""

    title: str
    planes: tuple[tuple[int, int], ...]
    contours: tuple[tuple[RegionContour, ...], ...]


@dataclass(frozen=True)
class RegionFigureData:
    """A figure of allowed regions: rows of panels, one panel per plane."""

    title: str
    rows: tuple[RegionRow, ...]


def _region_contour(c: CountingChi2, i: int, j: int, *, phase_difference_rad: float = 0.0,
                    params: OscillationParameters = TABLE2_PARAMETERS, n_points: int = 361) -> RegionContour:
    rb = region_boundary(c, i, j, phase_difference_rad=phase_difference_rad, params=params, n_points=n_points)
    return RegionContour(c.experiment, c.setup, c.beam, i, j, _ro(rb.angle_rad), _ro(rb.radius),
                         em_count_limit(c, DELTA_CHI2_90_2D))


def _region_row(title: str, chi2s: list[CountingChi2], n_points: int) -> RegionRow:
    return RegionRow(title, PLANES, tuple(tuple(_region_contour(c, i, j, n_points=n_points) for c in chi2s)
                                          for i, j in PLANES))


def _coherent_regions(setup: str, n_points: int) -> RegionFigureData:
    rows = []
    for beam in ("prompt", "delayed"):
        chi2s = [_chi2(n, setup, beam) for n in sns_experiments()]
        rows.append(_region_row(f"SNS {beam} beam, {setup} setups", chi2s, n_points))
    conv = ("CsI: COHERENT 2017 data, Eq. (34); HPGe/LAr/NaI: Asimov Eq. (35)" if setup == "current"
            else "Asimov Eq. (35), future exposures")
    fig_no = 4 if setup == "current" else 5
    return RegionFigureData(
        f"Fig. {fig_no}: COHERENT {setup} setups, 90% C.L. allowed regions " r"($\Delta\chi^2=4.61$), "
        r"third $\Lambda=0$, real positive TMMs, $\delta_{CP}=0$" f"\n{conv}", tuple(rows))


def fig4_data(n_points: int = 361) -> RegionFigureData:
    """Fig. 4: current COHERENT regions (CsI data + HPGe/LAr/NaI), rows prompt and delayed."""
    return _coherent_regions("current", n_points)


def fig5_data(n_points: int = 361) -> RegionFigureData:
    """Fig. 5: future COHERENT regions, rows prompt and delayed."""
    return _coherent_regions("future", n_points)


def fig6_data(n_points: int = 361) -> RegionFigureData:
    """Fig. 6: reactor regions, rows current and future."""
    rows = tuple(_region_row(f"reactors, {setup} setups", [_chi2(n, setup, "reactor") for n in reactor_experiments()],
                             n_points) for setup in ("current", "future"))
    return RegionFigureData(
        r"Fig. 6: reactor experiments, 90% C.L. allowed regions ($\Delta\chi^2=4.61$), third $\Lambda=0$, "
        r"real positive TMMs, $\delta_{CP}=0$" "\nAsimov Eq. (35), " r"$\sigma_\alpha$ on the EM signal", rows)


def fig8_data(params: OscillationParameters | None = None, n_points: int = 361) -> RegionFigureData:
    """Fig. 8: Borexino quarter ellipses (Eq. 38) in the three planes (solar defaults: de Salas 2018 NO)."""
    contours = []
    for i, j in PLANES:
        b = borexino_region_boundary(i, j, params, n_points=n_points)
        theta, radius = np.arctan2(b.modulus_j, b.modulus_i), np.hypot(b.modulus_i, b.modulus_j)
        contours.append((RegionContour("Borexino", "Phase II", "solar", i, j, _ro(theta), _ro(radius), float("nan")),))
    p1 = borexino_single_limits(params).p1
    row = RegionRow(rf"Borexino, $\mu_\mathrm{{eff}}^\mathrm{{sol}}<{BOREXINO_MU_EFF_LIMIT_1e10muB * 10:g}"
                    rf"\times10^{{-11}}\,\mu_B$, $P_1={p1:.3f}$", PLANES, tuple(contours))
    return RegionFigureData(
        r"Fig. 8: Borexino 90% C.L. allowed regions (solar $\nu$, incoherent mass states, Eq. 38; "
        r"no phase dependence), third $\Lambda=0$", (row,))


def _clipped(theta: np.ndarray, radius: np.ndarray, xmax: float, ymax: float):
    """Clip a polar boundary to the box [0, xmax] x [0, ymax].

    Returns (fill_x, fill_y, line_x, line_y): the polygon of the region inside the box (from the origin,
    so an unbounded region reaches the frame and reads as open) and the drawable part of the boundary
    (NaN where it lies outside the box, which breaks the line there).
    """
    c, s = np.cos(theta), np.sin(theta)
    with np.errstate(divide="ignore"):
        r_box = np.minimum(np.where(c > 0, xmax / c, np.inf), np.where(s > 0, ymax / s, np.inf))
    r_fill = np.minimum(radius, r_box)
    inside = radius <= r_box
    line_r = np.where(inside, radius, np.nan)
    fill_x = np.concatenate([[0.0], r_fill * c, [0.0]])
    fill_y = np.concatenate([[0.0], r_fill * s, [0.0]])
    return fill_x, fill_y, line_r * c, line_r * s


def _axis_extent(contours, attr: str, cap_factor: float = 6.0) -> float:
    """Axis limit showing every bounded contour (+8 %), capped at cap_factor x the largest axis intercept so a
    very elongated or open region does not squash the others (it is then drawn clipped, i.e. open)."""
    values, intercepts = [], []
    for c in contours:
        v = getattr(c, attr)
        values.extend(v[np.isfinite(v)])
        end = v[0] if attr == "x" else v[-1]
        if np.isfinite(end):
            intercepts.append(end)
    top = max(values) if values else 1.0
    if intercepts:
        top = min(top, cap_factor * max(intercepts))
    return 1.08 * top


def draw_region_figure(data: RegionFigureData, *, row_height: float = 4.3) -> Figure:
    """Rows of three panels (one per plane): filled allowed regions, boundary lines, linear axes from 0."""
    nrows = len(data.rows)
    fig = Figure(figsize=(14.0, row_height * nrows + 0.9), layout="constrained")
    axes = np.atleast_2d(fig.subplots(nrows, 3, squeeze=False))
    for r, row in enumerate(data.rows):
        for col, ((i, j), contours) in enumerate(zip(row.planes, row.contours)):
            ax = axes[r, col]
            xmax, ymax = _axis_extent(contours, "x"), _axis_extent(contours, "y")
            for c in contours:
                color = _experiment_color(c.experiment)
                fx, fy, lx, ly = _clipped(c.theta, c.radius, xmax, ymax)
                ax.fill(fx, fy, color=color, alpha=0.10, lw=0)
                label = c.experiment if c.beam in ("reactor", "solar") else f"{c.experiment} {c.beam}"
                if np.any(np.isinf(c.radius)) or np.any(np.isnan(lx)):
                    label += " (open/clipped)"
                ax.plot(lx, ly, color=color, ls=_BEAM_STYLE.get(c.beam, "-"), lw=1.6, label=label)
            ax.set_xlim(0.0, xmax)
            ax.set_ylim(0.0, ymax)
            ax.set_xlabel(_lambda_label(i))
            ax.set_ylabel(_lambda_label(j))
            k = ({1, 2, 3} - {i, j}).pop()
            ax.set_title(rf"{row.title}; $\Lambda_{k}=0$", fontsize=10)
            ax.grid(True, alpha=0.3)
            ax.legend(fontsize=8, loc="best")
    fig.suptitle(data.title + "\nShaded: allowed (inside the curve).", fontsize=11)
    return fig


def draw_fig4(data: RegionFigureData) -> Figure:
    """Fig. 4 (current COHERENT regions)."""
    return draw_region_figure(data)


def draw_fig5(data: RegionFigureData) -> Figure:
    """Fig. 5 (future COHERENT regions)."""
    return draw_region_figure(data)


def draw_fig6(data: RegionFigureData) -> Figure:
    """Fig. 6 (reactor regions, current and future)."""
    return draw_region_figure(data)


def draw_fig8(data: RegionFigureData) -> Figure:
    """Fig. 8 (Borexino regions)."""
    return draw_region_figure(data, row_height=4.6)


# ------------------------------------------------------------------------------------------------
# Fig. 7: CP phases
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhaseEnvelope:
    """Innermost and outermost (|Lambda_1|, |Lambda_2|) boundary over the phase scan, per direction.

    ``theta`` (radians) as in :class:`RegionContour`; ``inner_radius`` / ``outer_radius`` (1e-10 mu_B) are
    the min / max over (delta_CP, delta_12) of the boundary radius, and ``inner_delta_cp``,
    ``inner_delta_12``, ``outer_delta_cp``, ``outer_delta_12`` (radians) the phases attaining them.
    ``real`` is the real-TMM contour (both phases 0). ``delta_cp_grid`` is the scanned grid of delta_CP;
    delta_12 was scanned on ``delta_12_grid`` plus, for every delta_CP, the two stationary values.
    """

    experiment: str
    setup: str
    beam: str
    theta: np.ndarray
    inner_radius: np.ndarray
    outer_radius: np.ndarray
    inner_delta_cp: np.ndarray
    inner_delta_12: np.ndarray
    outer_delta_cp: np.ndarray
    outer_delta_12: np.ndarray
    real: RegionContour
    delta_cp_grid: np.ndarray
    delta_12_grid: np.ndarray

    def inner(self) -> RegionContour:
        """The innermost boundary as a contour."""
        return RegionContour(self.experiment, self.setup, self.beam, 1, 2, self.theta, self.inner_radius,
                             self.real.em_count_limit)

    def outer(self) -> RegionContour:
        """The outermost boundary as a contour."""
        return RegionContour(self.experiment, self.setup, self.beam, 1, 2, self.theta, self.outer_radius,
                             self.real.em_count_limit)


@dataclass(frozen=True)
class Fig7Data:
    """Phase envelopes of Fig. 7: upper panel first."""

    panels: tuple[PhaseEnvelope, ...]


def _phase_envelope(c: CountingChi2, n_delta_cp: int, n_delta_12: int, n_points: int) -> PhaseEnvelope:
    two_pi = 2.0 * np.pi
    d_cp = np.linspace(0.0, two_pi, n_delta_cp, endpoint=False)
    d_12 = np.linspace(0.0, two_pi, n_delta_12, endpoint=False)
    radii, phases = [], []
    for dcp in d_cp:
        params = TABLE2_PARAMETERS.with_delta_cp(dcp)
        # For fixed delta_CP the off-diagonal term Re(M_12 e^{-i delta_12}) is extremal at delta_12 = arg M_12
        # (innermost) and arg M_12 + pi (outermost) in every direction: adding them makes the delta_12 scan exact.
        arg = float(np.angle(beam_moment_matrix(c, params)[0, 1])) % two_pi
        for d12 in np.concatenate([d_12, [arg, (arg + np.pi) % two_pi]]):
            rb = region_boundary(c, 1, 2, phase_difference_rad=d12, params=params, n_points=n_points)
            theta = rb.angle_rad
            radii.append(rb.radius)
            phases.append((dcp, d12))
    radii = np.array(radii)
    phases = np.array(phases)
    k_in, k_out = np.argmin(radii, axis=0), np.argmax(radii, axis=0)
    cols = np.arange(radii.shape[1])
    return PhaseEnvelope(
        c.experiment, c.setup, c.beam, _ro(theta), _ro(radii[k_in, cols]), _ro(radii[k_out, cols]),
        _ro(phases[k_in, 0]), _ro(phases[k_in, 1]), _ro(phases[k_out, 0]), _ro(phases[k_out, 1]),
        _region_contour(c, 1, 2, n_points=n_points), _ro(d_cp), _ro(d_12))


def fig7_data(n_delta_cp: int = 72, n_delta_12: int = 36, n_points: int = 181,
              panels: tuple[tuple[str, str], ...] = (("CsI", "prompt"), ("CONNIE", "reactor"))) -> Fig7Data:
    """Envelopes over delta_CP (``n_delta_cp`` grid points in [0, 2 pi)) and delta_12 (``n_delta_12`` grid
    points plus the two stationary values per delta_CP) for each (experiment, beam), current setups."""
    return Fig7Data(tuple(_phase_envelope(_chi2(n, "current", b), n_delta_cp, n_delta_12, n_points) for n, b in panels))


def draw_fig7(data: Fig7Data) -> Figure:
    """One panel per envelope: band between inner and outer boundary, real-TMM boundary in black."""
    fig = Figure(figsize=(7.5, 5.2 * len(data.panels) + 0.9), layout="constrained")
    axes = fig.subplots(len(data.panels), 1, squeeze=False)[:, 0]
    for ax, env in zip(axes, data.panels):
        color = _experiment_color(env.experiment)
        inner, outer = env.inner(), env.outer()
        xmax = _axis_extent([outer, env.real], "x")
        ymax = _axis_extent([outer, env.real], "y")
        ox, oy, olx, oly = _clipped(outer.theta, outer.radius, xmax, ymax)
        ix, iy, ilx, ily = _clipped(inner.theta, inner.radius, xmax, ymax)
        ax.fill(ix, iy, color=color, alpha=0.35, lw=0, label="allowed for all phases")
        # Band: outer polygon followed by the inner arc in reverse.
        ax.fill(np.concatenate([ox[1:-1], ix[-2:0:-1]]), np.concatenate([oy[1:-1], iy[-2:0:-1]]),
                color=color, alpha=0.12, lw=0, label="allowed for some phases")
        ax.plot(olx, oly, color=color, lw=1.8, label="outermost (weakest) over phases")
        ax.plot(ilx, ily, color=color, lw=1.8, ls="--", label="innermost (strongest) over phases")
        rx, ry, rlx, rly = _clipped(env.real.theta, env.real.radius, xmax, ymax)
        ax.plot(rlx, rly, color="black", lw=1.3, ls=":", label=r"real TMMs ($\delta_{CP}=\delta_{12}=0$)")
        ax.set_xlim(0.0, xmax)
        ax.set_ylim(0.0, ymax)
        ax.set_xlabel(_lambda_label(1))
        ax.set_ylabel(_lambda_label(2))
        name = f"{env.experiment} {env.beam}" if env.beam != "reactor" else env.experiment
        ax.set_title(f"{name}, {env.setup} setup; " r"$\Lambda_3=0$", fontsize=10)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8, loc="best", framealpha=0.9)
    fig.suptitle(r"Fig. 7: CP phases, 90% C.L. ($\Delta\chi^2=4.61$) in the $(|\Lambda_1|,|\Lambda_2|)$ plane."
                 "\n" r"Envelope over $\delta_{CP}\in[0,2\pi)$ and $\delta_{12}=\zeta_1-\zeta_2\in[0,2\pi)$",
                 fontsize=11)
    return fig


# ------------------------------------------------------------------------------------------------
# Output
# ------------------------------------------------------------------------------------------------


def save_figure(fig: Figure, out_dir: str | Path, stem: str, formats: tuple[str, ...] = ("png", "pdf"),
                dpi: int = 150) -> list[Path]:
    """Save ``fig`` as ``out_dir/stem.<fmt>`` for each format (creating ``out_dir``); returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        path = out / f"{stem}.{fmt}"
        fig.savefig(path, dpi=dpi)
        paths.append(path)
    return paths


def write_all_figures(out_dir: str | Path) -> list[Path]:
    """Compute, draw and save Figs. 1-8 as figN.png and figN.pdf in ``out_dir``; returns the 16 paths."""
    jobs = (
        ("fig1", fig1_data, draw_fig1),
        ("fig2", fig2_data, draw_fig2),
        ("fig3", fig3_data, draw_fig3),
        ("fig4", fig4_data, draw_fig4),
        ("fig5", fig5_data, draw_fig5),
        ("fig6", fig6_data, draw_fig6),
        ("fig7", fig7_data, draw_fig7),
        ("fig8", fig8_data, draw_fig8),
    )
    paths = []
    for stem, data_fn, draw_fn in jobs:
        paths.extend(save_figure(draw_fn(data_fn()), out_dir, stem))
    return paths
