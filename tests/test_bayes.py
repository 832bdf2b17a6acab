"""Bayesian side: priors, the analytic credible limit, convergence reporting, blind directions, files."""

import json

import numpy as np
import pytensor.tensor as pt
import pytest
from scipy import stats
from scipy.optimize import brentq

from bayes_tmm.bayes import PRIORS, Prior, inverse_prior_cdf, prior_data
from bayes_tmm.experiments import get_setup
from bayes_tmm.frequentist import CountingChi2, counting_chi2, one_at_a_time_limits
from bayes_tmm.inference import AnalysisSelection, PosteriorSampler, _blindness
from bayes_tmm.mixing import OSCILLATION_PARAMETER_SETS, pmns_matrix
from bayes_tmm.posterior_io import PosteriorHashError, load_posterior, save_posterior
from bayes_tmm.sampling import SamplerSettings

PARAMS = OSCILLATION_PARAMETER_SETS["paper_table2"]


def _prior_graph_inputs(prior: Prior) -> dict:
    names = {"prior_kind": "prior_kind", "lambda_max": "lambda_max", "lambda_min": "lambda_min",
             "prior_scale": "scale"}
    return {names[k]: pt.as_tensor_variable(v) for k, v in prior_data(prior).items()}


def _prior_cdf(prior: Prior, r):
    lmax = prior.lambda_max
    if prior.name == "flat":
        return r / lmax
    if prior.name == "flat_mu2":
        return (r / lmax) ** 2
    if prior.name == "log_uniform":
        return np.log(r / prior.lower) / np.log(lmax / prior.lower)
    s = prior.half_normal_scale * np.sqrt(2)
    from scipy.special import erf

    return erf(r / s) / erf(lmax / s)


@pytest.mark.parametrize("name", PRIORS)
def testinverse_prior_cdf_inverts_the_prior_cdf(name):
    prior = Prior(name, lambda_max=50.0)
    u = np.linspace(0.001, 0.999, 99)
    r = inverse_prior_cdf(pt.as_tensor_variable(u), _prior_graph_inputs(prior)).eval()
    np.testing.assert_allclose(_prior_cdf(prior, r), u, rtol=1e-10, atol=1e-12)
    assert np.all(np.diff(r) > 0) and r.max() <= 50.0


@pytest.mark.parametrize("name", PRIORS)
def test_full_mode_vectors_give_the_prior_on_moduli_and_uniform_phases(name):
    """The full-mode map w ~ N(0, 1)^2 -> Lambda must reproduce the modulus prior and a uniform phase."""
    prior = Prior(name, lambda_max=50.0)
    rng = np.random.default_rng(7)
    w = rng.normal(size=(20000, 2))
    u = -np.expm1(-0.5 * np.sum(w**2, axis=1))
    r = inverse_prior_cdf(pt.as_tensor_variable(u), _prior_graph_inputs(prior)).eval()
    assert stats.kstest(_prior_cdf(prior, r), "uniform").pvalue > 1e-3
    phase = np.arctan2(w[:, 1], w[:, 0])
    assert stats.kstest((phase + np.pi) / (2 * np.pi), "uniform").pvalue > 1e-3


def test_prior_validation():
    with pytest.raises(ValueError, match="prior must be one of"):
        Prior("uniform_0_2pi", 10.0)
    with pytest.raises(ValueError, match="lambda_max"):
        Prior("flat", -1.0)
    with pytest.raises(ValueError, match="lambda_min"):
        Prior("log_uniform", 10.0, lambda_min=20.0)


def test_blind_directions_and_how_combinations_close_them():
    def chi(experiment, setup, beam):
        return counting_chi2(get_setup(experiment, setup), beam)

    prompt, delayed = chi("CsI", "current", "prompt"), chi("CsI", "current", "delayed")
    reactor = chi("CONUS", "current", "reactor")
    assert np.all(_blindness([prompt], PARAMS))
    assert np.all(_blindness([reactor], PARAMS))
    assert not np.any(_blindness([delayed], PARAMS))
    assert not np.any(_blindness([prompt, reactor], PARAMS))  # nu_mu and anti-nu_e blind directions differ


@pytest.fixture(scope="module")
def sampler():
    return PosteriorSampler(SamplerSettings(seed=11))


@pytest.mark.slow
def test_credible_limit_matches_truncated_gaussian_quantile(sampler):
    """Gaussian likelihood in N_EM, flat prior on mu^2 (flat in |Lambda_i|^2 for one non-zero Lambda_i):
    the posterior of N_EM is a Gaussian truncated to [0, N_max], whose 90 % quantile is known exactly."""
    sm, em, variance = 400.0, 2.0, 400.0
    data = sm - 15.0  # a downward fluctuation pushes the posterior against the physical boundary
    channel = CountingChi2("toy", "current", "reactor", "asimov", "signal", sm, {"antinue": em}, data, variance,
                           0.0, 1e-6, 0.0)
    lmax = 3.0 * np.nanmax(one_at_a_time_limits(channel, PARAMS))
    compiled, inputs = sampler.compiled_for([channel], "single", Prior("flat_mu2", lmax))
    result = compiled.run(inputs)
    assert result.diagnostics.converged
    draws = result.draws["lambda_moduli"].reshape(-1, 3)
    m_diag = 1 - np.abs(pmns_matrix(PARAMS)[0]) ** 2  # one non-zero Lambda_i: mu^2 = |Lambda_i|^2 (1 - |U_ei|^2)
    sd, mean = np.sqrt(variance), data - sm
    for i in range(3):
        n_max = em * m_diag[i] * lmax**2
        lo, hi = stats.norm.cdf(-mean / sd), stats.norm.cdf((n_max - mean) / sd)
        q = brentq(lambda n: (stats.norm.cdf((n - mean) / sd) - lo) / (hi - lo) - 0.9, 0, n_max)
        exact = np.sqrt(q / (em * m_diag[i]))
        # Monte Carlo error of a 90 % quantile from ~1000 effective draws: about 2 %
        assert np.quantile(draws[:, i], 0.9) == pytest.approx(exact, rel=0.05)


@pytest.mark.slow
def test_csi_prompt_single_flat_converges_with_limits_next_to_chi2(sampler, tmp_path):
    result, summary = sampler.sample([AnalysisSelection("CsI", "current", "prompt")], "single", "flat")
    assert summary.converged, summary.problems
    assert summary.rhat_max <= 1.01 and summary.ess_bulk_min >= 400 and summary.divergences == 0
    chi2 = one_at_a_time_limits(counting_chi2(get_setup("CsI", "current"), "prompt"))
    np.testing.assert_allclose(summary.chi2_limits, chi2, rtol=1e-12)
    # marginalizing the nuisances with a flat prior gives limits of the same size as the chi^2 ones
    assert np.all(np.abs(np.array(summary.limits90) / chi2 - 1) < 0.25)
    assert summary.reportable_limits() == list(summary.limits90)

    # the posterior file keeps the draws and the provenance, and its hash is checked on loading
    path = tmp_path / "csi_prompt.nc"
    provenance = {"seed": 11, "summary": list(summary.limits90)}
    digest = save_posterior(path, result.draws, result.diverging, provenance)
    loaded = load_posterior(path)
    assert loaded.sha256 == digest and loaded.provenance == provenance
    np.testing.assert_array_equal(loaded.draws["lambda_moduli"], result.draws["lambda_moduli"])
    assert not any(p.name.endswith(".tmp") for p in tmp_path.iterdir())

    tampered = dict(result.draws)
    tampered["lambda_moduli"] = tampered["lambda_moduli"] * 0.9
    save_posterior(tmp_path / "other.nc", tampered, result.diverging, provenance)
    import xarray as xr

    with xr.open_datatree(tmp_path / "other.nc", engine="h5netcdf") as tree:
        forged = tree.load()
    forged.attrs["sha256"] = digest  # claim the original's hash for altered draws
    forged.to_netcdf(tmp_path / "forged.nc", engine="h5netcdf")
    with pytest.raises(PosteriorHashError, match="does not match"):
        load_posterior(tmp_path / "forged.nc")


@pytest.mark.slow
def test_full_mode_single_flavour_beam_is_flagged_prior_driven(sampler):
    _, summary = sampler.sample([AnalysisSelection("CONUS", "current", "reactor")], "full", "flat")
    assert summary.data_constrained == (False, False, False)
    assert summary.reportable_limits(allow_unconverged=True) == [None, None, None]
    assert any("blind direction" in p for p in summary.problems)
    assert np.all(np.isinf(summary.chi2_limits))
    # a beam of two flavours bounds every modulus, and profiling/marginalizing both give finite limits
    _, summary = sampler.sample([AnalysisSelection("LAr", "current", "full")], "full", "flat")
    assert summary.data_constrained == (True, True, True)
    assert np.all(np.isfinite(summary.chi2_limits))


@pytest.mark.slow
def test_unconverged_runs_are_reported_and_their_limits_withheld(capsys):
    from bayes_tmm.cli import main

    code = main(["sample", "--experiment", "HPGe", "--setup", "current", "--beam", "prompt", "--mode", "single",
                 "--draws", "15", "--tune", "15", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    assert out["converged"] is False
    assert out["limits90"] == [None, None, None]
    assert out["limits90_raw"][0] is not None
