"""Simulation-based calibration (SBC, Talts et al. 2018) of the ``single``-mode model on a small analysis.

One hand-made Asimov-like counting analysis (nuisance on the signal, no background) is turned into a
``single``-mode model with the flat prior and compiled once. For each simulation:

1. draw a truth from the prior: |Lambda_i| ~ U(0, lambda_max) and alpha_raw_i ~ Normal(0, 1) truncated at
   -1 / max(sigma_alpha, 0.1) (alpha_i = sigma_alpha alpha_raw_i), i = 1, 2, 3;
2. simulate one observation from the likelihood of copy 1 (the copies share the one ``observed_events``
   datum, so only copy 1's truth generates it): D ~ Normal(N, sqrt(V)) with
   N = N_SM + (1 + alpha_1) |Lambda_1|^2 sum_c n_EM[c] M_c[0, 0] -- computed here with numpy from the
   ``CountingChi2`` fields and the chi^2 side's moment matrix, independently of the PyMC graph;
3. sample the posterior with the compiled model and that datum swapped in, and record the rank of the
   true value among (thinned) posterior draws, for |Lambda_1|, alpha_1 and the EM signal
   (1 + alpha_1) N_EM(|Lambda_1|), the best-measured combination.

If the model and the sampler are right the ranks are uniform: printed are their 10-bin histograms, a
chi^2 test of uniformity on those bins and a Kolmogorov-Smirnov test on the (randomized) normalized ranks,
plus the fraction of runs that passed the package's convergence checks.

Run (from the repository root)::

    PYTHONPATH=. PYTENSOR_FLAGS="base_compiledir=.cache/pytensor311,blas__ldflags=" \\
        .venv311/bin/python benchmarks/sbc.py [--sims 200] [--draws 250] [--tune 250] [--chains 4]

``run_sbc`` is also used by ``tests/test_sbc_small.py``.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, field

import numpy as np

__all__ = ["SBCResult", "toy_channel", "toy_lambda_max", "em_per_lambda2", "run_sbc", "main"]

#: Statistics whose ranks are checked.
STATISTICS = ("lambda1", "alpha1", "em_signal1")


def toy_channel(sm_events: float = 300.0, em_per_mu2: float = 5.0, signal_uncertainty: float = 0.1):
    """A small Asimov-like counting analysis: a reactor-antineutrino-only EM term, no background."""
    from bayes_tmm.frequentist import CountingChi2

    return CountingChi2(
        experiment="toy", setup="sbc", beam="reactor", kind="asimov", nuisance_on="signal",
        sm_events=float(sm_events), em_events_per_mu2={"antinue": float(em_per_mu2)}, data=float(sm_events),
        stat_variance=float(sm_events), background=0.0, signal_uncertainty=float(signal_uncertainty),
        background_uncertainty=0.0,
    )


def em_per_lambda2(channel) -> np.ndarray:
    """EM events per |Lambda_i|^2 for one non-zero real Lambda_i: diag of M_beam = sum_c n_EM[c] M_c."""
    from bayes_tmm.frequentist import beam_moment_matrix

    return np.real(np.diag(beam_moment_matrix(channel)))


def toy_lambda_max(channel, factor: float = 3.0) -> float:
    """``factor`` times the weakest one-at-a-time chi^2 limit of the channel (1e-10 mu_B)."""
    from bayes_tmm.frequentist import one_at_a_time_limits

    return float(factor * np.max(one_at_a_time_limits(channel)))


@dataclass
class SBCResult:
    """Ranks (0..n_rank_draws) of the truths among thinned posterior draws, per statistic."""

    ranks: dict[str, np.ndarray]
    n_rank_draws: int
    converged: np.ndarray          # package criterion (R-hat, bulk/tail ESS, divergences) per run
    rhat_max: np.ndarray           # max split R-hat over all free-variable elements per run
    divergences: np.ndarray
    truths: dict[str, np.ndarray]
    observations: np.ndarray
    compile_seconds: float
    sampling_seconds: np.ndarray
    total_seconds: float
    settings: dict = field(default_factory=dict)

    def normalized(self, name: str, seed: int = 0) -> np.ndarray:
        """Ranks mapped to U(0, 1) under the null: (rank + u) / (L + 1), u ~ U(0, 1) (breaks the ties)."""
        u = np.random.default_rng(seed).uniform(size=self.ranks[name].size)
        return (self.ranks[name] + u) / (self.n_rank_draws + 1)

    def histogram(self, name: str, bins: int = 10) -> np.ndarray:
        return np.histogram(self.normalized(name), bins=bins, range=(0.0, 1.0))[0]

    def chi2_pvalue(self, name: str, bins: int = 10) -> float:
        from scipy.stats import chisquare

        return float(chisquare(self.histogram(name, bins)).pvalue)

    def ks_pvalue(self, name: str) -> float:
        from scipy.stats import kstest

        return float(kstest(self.normalized(name), "uniform").pvalue)


def run_sbc(n_sims: int = 200, *, draws: int = 250, tune: int = 250, chains: int = 4, n_rank_draws: int = 100,
            seed: int = 12345, channel=None, lambda_max: float | None = None, sampler: str = "auto",
            progress: bool = False) -> SBCResult:
    """SBC of copy 1 of the ``single``-mode model (module docstring). One compilation, ``n_sims`` runs."""
    from bayes_tmm.bayes import Prior, build_model, model_inputs
    from bayes_tmm.sampling import CompiledSampler, SamplerSettings

    t_start = time.perf_counter()
    ch = toy_channel() if channel is None else channel
    if ch.nuisance_on != "signal" or ch.background != 0.0:
        raise ValueError("run_sbc simulates the 'signal' convention without background")
    lmax = toy_lambda_max(ch) if lambda_max is None else float(lambda_max)
    per_l2 = em_per_lambda2(ch)[0]  # EM events per |Lambda_1|^2
    sigma_a = ch.signal_uncertainty
    a_lower = -1.0 / max(sigma_a, 0.1)  # the model's truncation of alpha_raw
    sd = np.sqrt(ch.stat_variance)

    settings = SamplerSettings(draws=draws, tune=tune, chains=chains, sampler=sampler, seed=seed)
    model = build_model(model_inputs([ch]), "single", Prior("flat", lmax))
    compiled = CompiledSampler(model, settings)
    if compiled.sampler == "nutpie":
        compiled.run({"observed_events": np.array([ch.data])}, seed=seed)  # first run: nutpie's lazy set-up
    compile_seconds = time.perf_counter() - t_start

    rng = np.random.default_rng(seed)
    n_total = chains * draws
    thin = max(1, n_total // n_rank_draws)
    ranks = {name: np.empty(n_sims, dtype=int) for name in STATISTICS}
    truths = {name: np.empty(n_sims) for name in STATISTICS}
    obs = np.empty(n_sims)
    converged = np.zeros(n_sims, dtype=bool)
    rhat_max = np.zeros(n_sims)
    divergences = np.zeros(n_sims, dtype=int)
    seconds = np.empty(n_sims)
    n_rank = None
    for i in range(n_sims):
        lam = rng.uniform(0.0, lmax, size=3)
        alpha_raw = np.empty(3)
        for k in range(3):  # Normal(0, 1) truncated at a_lower, by rejection (a_lower <= -1: cheap)
            x = rng.standard_normal()
            while x < a_lower:
                x = rng.standard_normal()
            alpha_raw[k] = x
        alpha = sigma_a * alpha_raw
        em_signal = (1.0 + alpha[0]) * per_l2 * lam[0] ** 2
        expected = ch.sm_events + em_signal
        obs[i] = rng.normal(expected, sd)

        result = compiled.run({"observed_events": np.array([obs[i]])}, seed=seed + 1 + i)
        seconds[i] = result.seconds
        d = result.diagnostics
        converged[i] = d.converged
        rhat_max[i] = d.rhat_max
        divergences[i] = d.divergences

        lam_post = result.draws["lambda_moduli"][..., 0].reshape(-1)
        alpha_post = result.draws["alpha"][..., 0, 0].reshape(-1)
        # Thin the pooled draws (chain-major) to about n_rank_draws for nearly independent ranks.
        lam_post, alpha_post = lam_post[::thin][:n_rank_draws], alpha_post[::thin][:n_rank_draws]
        em_post = (1.0 + alpha_post) * per_l2 * lam_post**2
        n_rank = lam_post.size
        for name, truth, post in (("lambda1", lam[0], lam_post), ("alpha1", alpha[0], alpha_post),
                                  ("em_signal1", em_signal, em_post)):
            truths[name][i] = truth
            ranks[name][i] = int(np.sum(post < truth))
        if progress and (i + 1) % max(1, n_sims // 10) == 0:
            print(f"  {i + 1}/{n_sims} simulations, {time.perf_counter() - t_start:.1f} s", flush=True)

    return SBCResult(
        ranks=ranks, n_rank_draws=int(n_rank), converged=converged, rhat_max=rhat_max, divergences=divergences,
        truths=truths, observations=obs, compile_seconds=compile_seconds, sampling_seconds=seconds,
        total_seconds=time.perf_counter() - t_start,
        settings={"n_sims": n_sims, "draws": draws, "tune": tune, "chains": chains, "thin": thin,
                  "lambda_max": lmax, "sampler": compiled.sampler, "seed": seed, "em_per_lambda2": per_l2,
                  "chi2_limit": lmax / 3.0 if lambda_max is None else None},
    )


def report(res: SBCResult) -> str:
    s = res.settings
    lines = [
        f"SBC of the single-mode model: {s['n_sims']} simulations, sampler {s['sampler']}, "
        f"{s['chains']} chains x {s['draws']} draws (+{s['tune']} tune), ranks among {res.n_rank_draws} draws "
        f"(thinned by {s['thin']}); flat prior |Lambda| <= {s['lambda_max']:.4g}"
        + (f" (3 x chi^2 limit {s['chi2_limit']:.4g})" if s.get("chi2_limit") else "")
        + f"; {s['em_per_lambda2']:.4g} EM events per |Lambda_1|^2",
        f"{'statistic':<11} {'rank histogram (10 bins, expect ' + format(s['n_sims'] / 10, '.4g') + ' each)':<52} "
        f"{'chi2 p':>8} {'KS p':>8}",
    ]
    for name in STATISTICS:
        hist = " ".join(f"{h:3d}" for h in res.histogram(name))
        lines.append(f"{name:<11} {hist:<52} {res.chi2_pvalue(name):8.3f} {res.ks_pvalue(name):8.3f}")
    lines += [
        f"converged (package criterion: R-hat <= 1.01, bulk & tail ESS >= 400, no divergences): "
        f"{res.converged.mean():.3f}",
        f"  R-hat <= 1.01: {(res.rhat_max <= 1.01).mean():.3f}; R-hat <= 1.05: {(res.rhat_max <= 1.05).mean():.3f} "
        f"(max {res.rhat_max.max():.3f}); runs with divergences: {(res.divergences > 0).sum()} "
        f"(total {res.divergences.sum()})",
        f"time: compile + first run {res.compile_seconds:.1f} s, sampling {res.sampling_seconds.sum():.1f} s "
        f"({np.median(res.sampling_seconds):.2f} s median per run), total {res.total_seconds:.1f} s",
    ]
    return "\n".join(lines)


def main() -> int:
    p = argparse.ArgumentParser(description="Simulation-based calibration of the single-mode TMM model")
    p.add_argument("--sims", type=int, default=200)
    p.add_argument("--draws", type=int, default=250)
    p.add_argument("--tune", type=int, default=250)
    p.add_argument("--chains", type=int, default=4)
    p.add_argument("--rank-draws", type=int, default=100)
    p.add_argument("--seed", type=int, default=12345)
    p.add_argument("--sampler", default="auto", choices=("auto", "nutpie", "pymc"))
    args = p.parse_args()
    t0 = time.perf_counter()
    res = run_sbc(args.sims, draws=args.draws, tune=args.tune, chains=args.chains, n_rank_draws=args.rank_draws,
                  seed=args.seed, sampler=args.sampler, progress=True)
    print(report(res))
    print(f"wall time incl. imports: {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
