"""Physics checks of the figure DATA of bayes_tmm.figures (Figs. 1-8), plus one integration test that writes
all sixteen files. Limits are recomputed here from bayes_tmm.frequentist / bayes_tmm.solar, independently of
the figure code, and compared with what the figures plot."""

from __future__ import annotations

import numpy as np
import pytest

from bayes_tmm import figures
from bayes_tmm.experiments import get_setup
from bayes_tmm.frequentist import (
    DELTA_CHI2_90_2D,
    beam_moment_matrix,
    closed_form_em_limit,
    counting_chi2,
    em_count_limit,
    one_at_a_time_limits,
    region_boundary,
)
from bayes_tmm.solar import borexino_single_limits


@pytest.fixture(scope="module")
def fig2():
    return figures.fig2_data()


@pytest.fixture(scope="module")
def fig3():
    return figures.fig3_data()


@pytest.fixture(scope="module")
def region_figures():
    return {4: figures.fig4_data(), 5: figures.fig5_data(), 6: figures.fig6_data()}


@pytest.fixture(scope="module")
def fig7():
    # A coarser delta_CP grid than the default keeps the test quick; the delta_12 extremes are exact anyway.
    return figures.fig7_data(n_delta_cp=24, n_delta_12=12)


def _chi2_of(curve):
    return counting_chi2(get_setup(curve.experiment, curve.setup), curve.beam)


# --- Fig. 1 -----------------------------------------------------------------------------------------


def test_fig1_quenching_reference_values_and_monotonic():
    data = figures.fig1_data()
    assert [c.symbol for c in data.curves] == ["Cs", "I", "Na", "Ge", "Ar", "Si", "Xe"]
    by_symbol = {c.symbol: c for c in data.curves}
    t = by_symbol["Ge"].recoil_keVnr
    assert t.min() == pytest.approx(0.1) and t.max() == pytest.approx(100.0)
    (k1,) = np.flatnonzero(np.isclose(t, 1.0, rtol=1e-12))
    for symbol, q1 in (("Ge", 0.171), ("Si", 0.209), ("Xe", 0.152)):
        assert abs(by_symbol[symbol].quenching[k1] - q1) < 5e-4, symbol
    for c in data.curves:
        assert np.all(np.diff(c.quenching) > 0), f"Q not increasing for {c.symbol}"
        assert np.all((c.quenching > 0) & (c.quenching < 1))


# --- Fig. 2 -----------------------------------------------------------------------------------------


def _crossing(x, y, level):
    k = int(np.flatnonzero(y >= level)[0])
    return x[k - 1] + (level - y[k - 1]) * (x[k] - x[k - 1]) / (y[k] - y[k - 1])


def test_fig2_curves_cross_2p71_at_one_at_a_time_limit(fig2):
    curves = fig2.sns + fig2.reactor
    # 4 SNS experiments x 2 beams x 3 moduli, 5 reactors x 3 moduli.
    assert len(fig2.sns) == 24 and len(fig2.reactor) == 15
    assert fig2.threshold == 2.71
    for c in curves:
        expected = one_at_a_time_limits(_chi2_of(c))[c.index - 1]
        assert c.limit == pytest.approx(expected, rel=1e-12)
        assert _crossing(c.modulus, c.delta_chi2, 2.71) == pytest.approx(expected, rel=1e-3), c


def test_fig2_delta_chi2_is_nonnegative_with_zero_minimum(fig2):
    for c in fig2.sns + fig2.reactor:
        assert c.modulus[0] == 0.0
        assert np.all(c.delta_chi2 >= 0.0)
        assert c.delta_chi2.min() == 0.0
        # EM scattering only adds events and the CsI data lie below the SM: the minimum is at Lambda = 0.
        assert c.delta_chi2[0] == 0.0
        assert np.all(np.diff(c.delta_chi2) >= 0.0)


def test_fig2_csi_uses_the_data_chi2(fig2):
    csi = [c for c in fig2.sns if c.experiment == "CsI"]
    assert csi and all(c.convention.startswith("Eq.(34)") for c in csi)
    others = [c for c in fig2.sns + fig2.reactor if c.experiment != "CsI"]
    assert all(c.convention.startswith("Eq.(35)") and "on signal" in c.convention for c in others)


# --- Fig. 3 -----------------------------------------------------------------------------------------


def test_fig3_asimov_signal_nuisance_scales_exactly_as_f_to_minus_quarter(fig3):
    asimov = [c for c in fig3.sns + fig3.reactor if c.convention.startswith("Eq.(35)")]
    assert len(asimov) >= 5
    for c in asimov:
        product = c.limit * c.factor**0.25
        assert np.allclose(product, product[0], rtol=1e-6, atol=0.0), c.experiment
    # And the value is the closed form sqrt(2.71 N_SM f / (1 - 2.71 sigma^2)) / (f M_11), square-rooted.
    c = next(c for c in fig3.reactor if c.experiment == "CONNIE")
    chi2 = _chi2_of(c)
    m11 = float(np.real(beam_moment_matrix(chi2)[0, 0]))
    f = c.factor[-1]
    n_lim = closed_form_em_limit(chi2.sm_events * f, chi2.signal_uncertainty)
    assert c.limit[-1] == pytest.approx(np.sqrt(n_lim / (f * m11)), rel=1e-9)


def test_fig3_csi_saturates_from_the_systematic(fig3):
    csi = [c for c in fig3.sns if c.experiment == "CsI"]
    assert {c.beam for c in csi} == {"prompt", "delayed"}
    for c in csi:
        assert c.factor[0] == 1.0 and c.factor[-1] == pytest.approx(1000.0)
        # Slower than f^-1/4: the total-count nuisance (28 %) grows with the exposure.
        assert c.limit[-1] * 1000.0**0.25 > c.limit[0]
        # ... but the limit still improves (never gets worse with more exposure).
        assert np.all(np.diff(c.limit) <= 1e-12 * c.limit[0])
        # The star marks the real-data limit of Eq. (36).
        assert c.data_limit == pytest.approx(one_at_a_time_limits(_chi2_of(c))[0], rel=1e-12)


# --- Figs. 4-6 --------------------------------------------------------------------------------------


def _all_contours(data):
    for row in data.rows:
        assert tuple(row.planes) == figures.PLANES
        for contours in row.contours:
            yield from contours


def test_region_figures_have_the_requested_content(region_figures):
    rows = {n: [[{(c.experiment, c.setup, c.beam) for c in contours} for contours in row.contours][0]
                for row in d.rows] for n, d in region_figures.items()}
    sns = {"CsI", "HPGe", "LAr", "NaI"}
    reactors = {"CONUS", "CONNIE", "MINER", "TEXONO", "RED100"}
    assert rows[4] == [{(e, "current", b) for e in sns} for b in ("prompt", "delayed")]
    assert rows[5] == [{(e, "future", b) for e in sns} for b in ("prompt", "delayed")]
    assert rows[6] == [{(e, s, "reactor") for e in reactors} for s in ("current", "future")]


def test_region_boundaries_lie_on_the_4p61_em_count_limit(region_figures):
    for data in region_figures.values():
        for c in _all_contours(data):
            chi2 = _chi2_of(c)
            m = beam_moment_matrix(chi2)
            n_lim = em_count_limit(chi2, DELTA_CHI2_90_2D)
            assert c.em_count_limit == pytest.approx(n_lim, rel=1e-12)
            finite = np.isfinite(c.radius)
            assert finite.all()  # no in-plane blind direction for real TMMs in these setups
            lam = np.zeros((finite.sum(), 3))
            lam[:, c.i - 1] = c.x[finite]
            lam[:, c.j - 1] = c.y[finite]
            n_em = np.real(np.einsum("ka,ab,kb->k", lam, m, lam))
            assert np.allclose(n_em, n_lim, rtol=1e-9, atol=0.0), (c.experiment, c.setup, c.beam, c.i, c.j)


def test_region_boundary_endpoints_are_the_4p61_single_parameter_limits(region_figures):
    for data in region_figures.values():
        for c in _all_contours(data):
            single = one_at_a_time_limits(_chi2_of(c), delta_chi2=DELTA_CHI2_90_2D)
            assert c.theta[0] == 0.0 and c.theta[-1] == pytest.approx(np.pi / 2, abs=1e-15)
            assert c.x[0] == pytest.approx(single[c.i - 1], rel=1e-9)
            assert c.y[0] == pytest.approx(0.0, abs=1e-12 * single[c.i - 1])
            assert c.y[-1] == pytest.approx(single[c.j - 1], rel=1e-9)
            assert c.x[-1] == pytest.approx(0.0, abs=1e-12 * single[c.j - 1])


def test_unbounded_region_is_drawn_open_and_clipped():
    # A synthetic region unbounded around 45 degrees: the fill must stay finite and reach the frame.
    theta = np.linspace(0.0, np.pi / 2, 91)
    radius = np.where(np.abs(theta - np.pi / 4) < 0.2, np.inf, 1.0 / np.cos(theta - np.pi / 4) ** 0.5)
    contour = figures.RegionContour("X", "current", "reactor", 1, 2, theta, radius, 1.0)
    assert contour.x[0] == pytest.approx(radius[0]) and np.isinf(contour.x[45]) and np.isinf(contour.y[45])
    data = figures.RegionFigureData("synthetic", (figures.RegionRow("row", ((1, 2),), ((contour,),)),))
    fig = figures.draw_region_figure(data)
    ax = fig.axes[0]
    xmax, ymax = ax.get_xlim()[1], ax.get_ylim()[1]
    assert np.isfinite(xmax) and np.isfinite(ymax)
    # The axis extent is set by the bounded part (cap: 6 x the axis intercepts), not by inf.
    assert xmax <= 1.08 * 6.0 * radius[0] + 1e-12
    (patch,) = ax.patches
    vertices = patch.get_xy()
    assert np.all(np.isfinite(vertices))
    assert vertices[:, 0].max() == pytest.approx(xmax) or vertices[:, 1].max() == pytest.approx(ymax)
    (line,) = ax.get_lines()
    assert np.isnan(line.get_xdata()[45])  # no boundary drawn where there is none


# --- Fig. 7 -----------------------------------------------------------------------------------------


def test_fig7_reactor_envelope_is_independent_of_delta_cp(fig7):
    env = next(p for p in fig7.panels if p.experiment == "CONNIE")
    chi2 = _chi2_of(env)
    r0 = region_boundary(chi2, 1, 2, phase_difference_rad=0.0, n_points=env.theta.size)
    rpi = region_boundary(chi2, 1, 2, phase_difference_rad=np.pi, n_points=env.theta.size)
    assert np.allclose(env.outer_radius, np.hypot(r0.x, r0.y), rtol=1e-9, atol=0.0)
    assert np.allclose(env.inner_radius, np.hypot(rpi.x, rpi.y), rtol=1e-9, atol=0.0)
    assert np.allclose(env.real.radius, env.outer_radius, rtol=1e-9, atol=0.0)


def test_fig7_csi_real_contour_between_inner_and_outer(fig7):
    env = next(p for p in fig7.panels if p.experiment == "CsI")
    assert env.beam == "prompt" and env.setup == "current"
    tol = 1e-12 * env.real.radius
    assert np.all(env.inner_radius <= env.real.radius + tol)
    assert np.all(env.real.radius <= env.outer_radius + tol)
    # The phases really matter for the prompt (pure nu_mu) beam: the band has a finite width everywhere
    # inside the quadrant.
    assert np.all((env.outer_radius - env.inner_radius)[1:-1] > 0.01 * env.real.radius[1:-1])
    # On the diagonal |L1| = |L2| the extremes are (delta_CP, delta_12) = (0, pi) (outer) and (0, 0)
    # (inner), PHYSICS.md Sect. 13.
    k = env.theta.size // 2
    assert env.theta[k] == pytest.approx(np.pi / 4)
    assert np.cos(env.outer_delta_cp[k]) == pytest.approx(1.0) and np.cos(env.outer_delta_12[k]) == pytest.approx(-1.0)
    assert np.cos(env.inner_delta_cp[k]) == pytest.approx(1.0) and np.cos(env.inner_delta_12[k]) == pytest.approx(1.0)


# --- Fig. 8 -----------------------------------------------------------------------------------------


def test_fig8_axis_intercepts_are_borexino_single_limits():
    data = figures.fig8_data()
    single = borexino_single_limits().as_array()
    (row,) = data.rows
    for (i, j), (contour,) in zip(row.planes, row.contours):
        assert (contour.i, contour.j) == (i, j)
        assert contour.x[0] == pytest.approx(single[i - 1], rel=1e-12)
        assert contour.y[-1] == pytest.approx(single[j - 1], rel=1e-12)
        assert contour.x[-1] == pytest.approx(0.0, abs=1e-12) and contour.y[0] == pytest.approx(0.0, abs=1e-12)
    # Table 2, Borexino row.
    assert np.round(single, 2).tolist() == [0.44, 0.36, 0.28]


# --- data immutability and output -------------------------------------------------------------------


def test_figure_data_arrays_are_read_only(fig2):
    with pytest.raises(ValueError):
        fig2.sns[0].delta_chi2[0] = 1.0


@pytest.mark.slow
def test_write_all_figures_writes_sixteen_files(tmp_path):
    out = tmp_path / "figs"
    paths = figures.write_all_figures(out)
    expected = {out / f"fig{n}.{ext}" for n in range(1, 9) for ext in ("png", "pdf")}
    assert set(paths) == expected and len(paths) == 16
    for p in paths:
        assert p.is_file() and p.stat().st_size > 1000, p
