"""Bayesian vs chi^2, side by side, for every row of the paper's Table 2.

For each experiment, setup and beam: the chi^2 limit next to the 90 % credible limits under each prior, in
``single`` mode (one Lambda_i at a time: the paper's setting) and ``full`` mode (all Lambda_i and phases
free; chi^2 profiled, posterior marginalized). Limits set by the prior along a blind direction, and limits
of runs that did not converge, are never shown as numbers: they print as ``prior`` / ``unconverged``.

Plots (:func:`write_compare_plots`): the posterior CDF of |Lambda_i| over the Delta chi^2 profile, a 2-D
credible region over the Delta chi^2 = 4.61 contour, and the posterior of the phase differences.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .bayes import PRIORS
from .credible import hpd_region_2d
from .experiments import SETUP_NAMES, experiment_names, get_setup
from .frequentist import DELTA_CHI2_90_2D, beam_moment_matrix, em_count_limit, region_boundary
from .inference import AnalysisSelection, PosteriorSampler, PosteriorSummary
from .sources import PionDecayAtRestSource
from .table2 import SNS_BEAMS

__all__ = ["CompareRow", "compare_rows", "rows_to_markdown", "write_compare_plots", "table2_selections"]


@dataclass(frozen=True)
class CompareRow:
    """One Table-2 row in one mode: chi^2 limits and the posterior summary under each prior."""

    selection: AnalysisSelection
    mode: str
    chi2_limits: tuple[float, float, float]
    posteriors: dict[str, PosteriorSummary]


def table2_selections(setups=SETUP_NAMES) -> list[AnalysisSelection]:
    """Every (experiment, setup, beam) of Table 2 (Borexino aside: it is an external limit, not a fit)."""
    out = []
    for name in experiment_names():
        for setup in setups:
            spec = get_setup(name, setup)
            beams = SNS_BEAMS if isinstance(spec.source, PionDecayAtRestSource) else ("reactor",)
            out.extend(AnalysisSelection(name, setup, beam) for beam in beams)
    return out


def compare_rows(sampler: PosteriorSampler, selections=None, priors=PRIORS, modes=("single", "full"),
                 progress=None) -> list[CompareRow]:
    """Sample every selection under every prior and mode (compiled models are re-used across rows)."""
    rows = []
    for selection in selections or table2_selections():
        for mode in modes:
            posteriors = {}
            for prior in priors:
                _, summary = sampler.sample([selection], mode, prior)
                posteriors[prior] = summary
                if progress:
                    progress(selection, mode, prior, summary)
            chi2 = next(iter(posteriors.values())).chi2_limits
            rows.append(CompareRow(selection, mode, chi2, posteriors))
    return rows


def _cell(summary: PosteriorSummary, i: int, allow_unconverged: bool = False) -> str:
    if not summary.data_constrained[i]:
        return "prior"
    if not summary.converged and not allow_unconverged:
        return "unconverged"
    return f"{summary.limits90[i]:.3g}"


def _chi2_cell(x: float) -> str:
    return "unbounded" if not np.isfinite(x) else f"{x:.3g}"


def rows_to_markdown(rows: list[CompareRow], priors=PRIORS) -> str:
    """A Markdown table: per row and mode, the chi^2 and credible limits on |Lambda_1|, |Lambda_2|, |Lambda_3|."""
    header = "| experiment | setup | beam | mode | chi^2 | " + " | ".join(priors) + " |"
    lines = [header, "|" + "---|" * (5 + len(priors))]
    for r in rows:
        chi2 = " / ".join(_chi2_cell(x) for x in r.chi2_limits)
        cells = [" / ".join(_cell(r.posteriors[p], i) for i in range(3)) for p in priors]
        s = r.selection
        lines.append(f"| {s.experiment} | {s.setup} | {s.beam} | {r.mode} | {chi2} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_compare_plots(sampler: PosteriorSampler, out_dir: str | Path,
                        selection: AnalysisSelection = AnalysisSelection("CsI", "current", "delayed")) -> list[Path]:
    """Three figures for one analysis: CDFs over the Delta chi^2 profile, a 2-D credible region over the
    chi^2 contour, and the phase posteriors (full mode)."""
    from matplotlib.figure import Figure

    from .frequentist import counting_chi2

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    chi2 = counting_chi2(get_setup(selection.experiment, selection.setup), selection.beam)
    m_diag = np.real(np.diag(beam_moment_matrix(chi2)))
    paths = []

    # 1. posterior CDFs of |Lambda_i| (single mode, every prior) over the one-parameter Delta chi^2.
    fig = Figure(figsize=(12, 3.8), layout="constrained")
    axes = fig.subplots(1, 3)
    results = {prior: sampler.sample([selection], "single", prior) for prior in PRIORS}
    for i, ax in enumerate(axes):
        top = max(np.quantile(r.draws["lambda_moduli"][..., i], 0.995) for r, _ in results.values())
        grid = np.linspace(0, top, 400)
        chi = chi2(grid**2 * m_diag[i])
        ax2 = ax.twinx()
        ax2.plot(grid, chi - chi.min(), color="k", lw=2, label=r"$\Delta\chi^2$")
        ax2.axhline(2.71, color="k", ls=":", lw=1)
        ax2.set_ylim(0, 10)
        ax2.set_ylabel(r"$\Delta\chi^2$")
        for prior, (r, s) in results.items():
            x = np.sort(r.draws["lambda_moduli"][..., i].ravel())
            ax.plot(x, np.arange(1, x.size + 1) / x.size, label=f"{prior} (90%: {s.limits90[i]:.3g})")
        ax.axhline(0.9, color="gray", ls="--", lw=1)
        ax.set_xlabel(rf"$|\Lambda_{i + 1}|$ [$10^{{-10}}\mu_B$]")
        ax.set_ylabel("posterior CDF")
        ax.set_xlim(0, top)
        ax.legend(fontsize=7, loc="center right")
    fig.suptitle(f"{selection.label()}: one non-zero $\\Lambda_i$ at a time — posterior CDFs (colours, left axis) "
                 "and $\\Delta\\chi^2$ (black, right axis)")
    paths.append(out / "compare_cdf.png")
    fig.savefig(paths[-1], dpi=120)

    # 2. 2-D: pair mode (|Lambda_1|, |Lambda_2|), flat prior, 90 % HPD over the Delta chi^2 = 4.61 ellipse.
    r, s = sampler.sample([selection], "pair", "flat", pair=(1, 2))
    x, y = r.draws["lambda_moduli"][..., 0].ravel(), r.draws["lambda_moduli"][..., 1].ravel()
    hpd = hpd_region_2d(x, y, 0.9)
    rb = region_boundary(chi2, 1, 2, delta_chi2=DELTA_CHI2_90_2D)
    fig = Figure(figsize=(5.5, 5), layout="constrained")
    ax = fig.subplots()
    ax.plot(x[::4], y[::4], ",", color="tab:blue", alpha=0.3)
    ax.contour(hpd.x_centers, hpd.y_centers, hpd.density.T, levels=[hpd.level], colors="tab:blue")
    ax.plot(rb.x, rb.y, color="k", lw=2)
    ax.plot([], [], color="tab:blue", label="90% highest-density region (flat prior)")
    ax.plot([], [], color="k", lw=2, label=r"$\Delta\chi^2 = 4.61$ (90% C.L., 2 par.)")
    ax.set_xlabel(r"$|\Lambda_1|$ [$10^{-10}\mu_B$]")
    ax.set_ylabel(r"$|\Lambda_2|$ [$10^{-10}\mu_B$]")
    ax.set_xlim(0, None)
    ax.set_ylim(0, None)
    ax.legend(fontsize=8)
    ax.set_title(f"{selection.label()}: real $\\Lambda_1, \\Lambda_2$, $\\Lambda_3 = 0$"
                 + ("" if s.converged else " (UNCONVERGED)"), fontsize=9)
    paths.append(out / "compare_region.png")
    fig.savefig(paths[-1], dpi=120)

    # 3. phases (full mode, flat prior): the phase differences are marginalized, here is their posterior.
    r, s = sampler.sample([selection], "full", "flat")
    fig = Figure(figsize=(10, 3.4), layout="constrained")
    for ax, name in zip(fig.subplots(1, 3), ("delta12", "delta23", "delta31")):
        ax.hist(r.draws[name].ravel(), bins=60, range=(-np.pi, np.pi), density=True, color="tab:purple", alpha=0.7)
        ax.axhline(1 / (2 * np.pi), color="k", ls=":", lw=1, label="prior (uniform)")
        ax.set_xlabel(rf"$\delta_{{{name[-2:]}}} = \zeta_{name[-2]} - \zeta_{name[-1]}$ [rad]")
        ax.legend(fontsize=7)
    fig.suptitle(f"{selection.label()}, full mode, flat prior: posterior of the phase differences"
                 + ("" if s.converged else " (UNCONVERGED)"))
    paths.append(out / "compare_phases.png")
    fig.savefig(paths[-1], dpi=120)
    return paths
