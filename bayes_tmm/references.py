"""Reference posteriors: a small, checked set of posterior files for the headline analyses.

The files live in ``posteriors/`` of the repository, one NetCDF file per analysis of
:data:`REFERENCE_ANALYSES` (written by :func:`bayes_tmm.posterior_io.save_posterior`, so each carries its
provenance and a content hash), next to ``manifest.json``. Each run samples 4 chains x 1000 draws (after
1000 tuning steps); the stored file keeps every :data:`THIN`-th draw (4 chains x 250 draws) of the
variables in :data:`KEPT_VARIABLES` only. The manifest records, per file: how it was made (a Python call
and the equivalent CLI line), the seed, sampler settings, software versions, the file's hash, the 90 %
credible limits computed from the *stored* draws, the convergence flag and diagnostics of the full run, and
the chi^2 limits of the same likelihood.

* :func:`regenerate_references` samples them all (one :class:`~bayes_tmm.inference.PosteriorSampler` per
  sampler setting, so each model structure is compiled once) and writes the files and the manifest
  (staged beside the folder and moved in at the end: an interrupted run leaves the previous set intact);
* :func:`check_references` reloads every file, verifies its hash and that the limits recomputed from the
  stored draws equal the manifest's;
* :func:`reference_chi2_limits` gives the chi^2 limits of a reference's likelihood, one at a time and
  profiled over the other Lambda's and the phases (for a joint fit: of the summed chi^2 of its analyses,
  :func:`summed_chi2_limits`).

The files store float64 (``save_posterior`` hashes float64 arrays); thinning and the variable selection
keep them small (about 0.1 MB each).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

__all__ = [
    "ReferenceAnalysis",
    "REFERENCE_ANALYSES",
    "REFERENCE_DRAWS",
    "REFERENCE_TUNE",
    "REFERENCE_CHAINS",
    "THIN",
    "KEPT_VARIABLES",
    "MANIFEST_NAME",
    "stored_summary",
    "reference_chi2_limits",
    "summed_chi2_limits",
    "regenerate_references",
    "check_references",
    "load_manifest",
    "run_cli",
]

#: Draws, tuning steps and chains of every reference run (before thinning).
REFERENCE_DRAWS = 1000
REFERENCE_TUNE = 1000
REFERENCE_CHAINS = 4
#: Every THIN-th draw is stored: 4 chains x 250 draws.
THIN = 4
#: Variables kept in the files (those a model does not have are skipped: ``mu2_eff`` and the phase
#: differences exist in ``full`` mode only).
KEPT_VARIABLES = ("lambda_moduli", "mu2_eff", "delta12", "delta23", "delta31", "alpha")
#: File name of the manifest inside the references folder.
MANIFEST_NAME = "manifest.json"
#: Credible level of the stored limits.
LEVEL = 0.9
#: Agreement required between the manifest and the limits recomputed from the stored draws.
SUMMARY_TOLERANCE = 1e-12


@dataclass(frozen=True)
class ReferenceAnalysis:
    """One reference posterior: the analyses (experiment, setup, beam) sampled together, mode and prior.

    ``target_accept`` is NUTS's target acceptance rate; the package default (0.95) unless the run needs
    smaller steps to be free of divergences.
    """

    name: str
    analyses: tuple[tuple[str, str, str], ...]
    mode: str
    prior: str = "flat"
    target_accept: float = 0.95
    description: str = ""

    @property
    def file_name(self) -> str:
        return f"{self.name}.nc"

    def selections(self):
        from .inference import AnalysisSelection

        return tuple(AnalysisSelection(*a) for a in self.analyses)

    def settings(self, seed: int):
        from .sampling import SamplerSettings

        return SamplerSettings(draws=REFERENCE_DRAWS, tune=REFERENCE_TUNE, chains=REFERENCE_CHAINS,
                               target_accept=self.target_accept, seed=seed)

    def cli_line(self, seed: int, out_dir: str = "posteriors") -> str:
        """The ``bayes-tmm`` command that makes the same (unthinned) run."""
        common = (f"--mode {self.mode} --prior {self.prior} --seed {seed} --draws {REFERENCE_DRAWS} "
                  f"--tune {REFERENCE_TUNE} --chains {REFERENCE_CHAINS} --target-accept {self.target_accept} "
                  f"--out {out_dir}/{self.file_name}")
        if len(self.analyses) == 1:
            e, s, b = self.analyses[0]
            return f"bayes-tmm sample --experiment {e} --setup {s} --beam {b} {common}"
        return "bayes-tmm joint " + " ".join(":".join(a) for a in self.analyses) + " " + common

    def python_call(self, seed: int) -> str:
        """The Python call that makes the same run, and what is then stored."""
        sels = ", ".join("AnalysisSelection({!r}, {!r}, {!r})".format(*a) for a in self.analyses)
        return (f"result, summary = PosteriorSampler(SamplerSettings(draws={REFERENCE_DRAWS}, tune={REFERENCE_TUNE}, "
                f"chains={REFERENCE_CHAINS}, target_accept={self.target_accept}, seed={seed}))"
                f".sample([{sels}], {self.mode!r}, {self.prior!r}); stored: result.draws[v][:, ::{THIN}] "
                f"for v in {list(KEPT_VARIABLES)} (those present)")


#: The reference analyses (flat prior in |Lambda_i| on [0, 3 x the weakest one-at-a-time chi^2 limit]).
REFERENCE_ANALYSES: tuple[ReferenceAnalysis, ...] = (
    ReferenceAnalysis("csi_current_prompt_single_flat", (("CsI", "current", "prompt"),), "single",
                      description="COHERENT CsI 2017 count (Eq. 34), prompt nu_mu beam, one real Lambda_i at a time"),
    ReferenceAnalysis("csi_current_delayed_single_flat", (("CsI", "current", "delayed"),), "single",
                      description="COHERENT CsI 2017 count (Eq. 34), delayed nu_e + nu_mu-bar beam, one real "
                                  "Lambda_i at a time"),
    ReferenceAnalysis("csi_current_full_full_flat", (("CsI", "current", "full"),), "full",
                      description="COHERENT CsI 2017 count (Eq. 34), full beam, three complex Lambda_i "
                                  "(phases marginalized)"),
    ReferenceAnalysis("conus_current_reactor_single_flat", (("CONUS", "current", "reactor"),), "single",
                      description="CONUS current (Asimov, Eq. 35), reactor nu_e-bar, one real Lambda_i at a time"),
    ReferenceAnalysis("lar_future_full_full_flat", (("LAr", "future", "full"),), "full",
                      description="LAr future (Asimov, Eq. 35), full SNS beam, three complex Lambda_i"),
    ReferenceAnalysis("joint_lar_future_full_conus_future_reactor_full_flat",
                      (("LAr", "future", "full"), ("CONUS", "future", "reactor")), "full", target_accept=0.99,
                      description="joint LAr future full beam + CONUS future reactor (Asimov), shared complex "
                                  "Lambda_i; target_accept 0.99 (at 0.95 single divergent transitions occur "
                                  "for some seeds)"),
)


# ------------------------------------------------------------------------------------------------
# Summaries and chi^2 counterparts
# ------------------------------------------------------------------------------------------------


def stored_summary(draws: dict[str, np.ndarray]) -> dict:
    """What the manifest records from stored draws: 90 % credible limits (the 0.9 quantile) of each
    |Lambda_i|, with the numbers of chains and draws they come from."""
    moduli = np.asarray(draws["lambda_moduli"], dtype=np.float64)
    flat = moduli.reshape(-1, moduli.shape[-1])
    return {"limits90": [float(x) for x in np.quantile(flat, LEVEL, axis=0)],
            "chains": int(moduli.shape[0]), "draws_per_chain": int(moduli.shape[1])}


class _RationalChi2:
    """A counting chi^2 (:class:`~bayes_tmm.frequentist.CountingChi2`) as the exact rational function of the
    EM count it is: chi^2(N) = (D - n0(N))^2 / (V + s_a^2 da(N)^2 + s_b^2 db(N)^2), with n0, da, db linear in N
    (the expected count is linear in N_EM and in the nuisances). Fast, with its derivative; checked against
    the original on a grid when built."""

    def __init__(self, ch):
        self.data, self.variance = float(ch.data), float(ch.stat_variance)
        self.sa2, self.sb2 = ch.signal_uncertainty**2, ch.background_uncertainty**2

        def line(fn):
            at0, at1 = float(fn(0.0)), float(fn(1.0))
            return at0, at1 - at0

        self.n0 = line(lambda n: ch.expected(n))
        self.da = line(lambda n: ch.expected(n, alpha=1.0) - ch.expected(n))
        self.db = line(lambda n: ch.expected(n, beta=1.0) - ch.expected(n))
        scale = max(ch.sm_events, 1.0)
        test = np.concatenate([[0.0], np.geomspace(1e-6 * scale, 1e3 * scale, 50)])
        if not np.allclose(self.value(test), ch(test), rtol=1e-9, atol=1e-12):
            raise RuntimeError(f"{ch.experiment} {ch.setup} {ch.beam}: the chi^2 is not the expected rational function")

    def value(self, n):
        r = self.data - (self.n0[0] + self.n0[1] * n)
        q = self.variance + self.sa2 * (self.da[0] + self.da[1] * n) ** 2 + self.sb2 * (self.db[0] + self.db[1] * n) ** 2
        return r * r / q

    def derivative(self, n: float) -> float:
        r = self.data - (self.n0[0] + self.n0[1] * n)
        a, b = self.da[0] + self.da[1] * n, self.db[0] + self.db[1] * n
        q = self.variance + self.sa2 * a * a + self.sb2 * b * b
        dq = 2.0 * (self.sa2 * a * self.da[1] + self.sb2 * b * self.db[1])
        return (-2.0 * self.n0[1] * r * q - r * r * dq) / (q * q)


def summed_chi2_limits(channels, params=None, delta_chi2: float | None = None, *, profiled: bool = True,
                       n_starts: int = 2, seed: int = 0) -> np.ndarray:
    """90 % C.L. limits on each |Lambda_i| (1e-10 mu_B) from the summed chi^2 of several counting analyses,
    chi^2(Lambda) = sum_k chi2_k(Lambda^dag M_k Lambda).

    ``profiled=True``: the other two Lambda's (complex) are profiled. Lambda_i is taken real (the common
    phase is unobservable); the other four real parameters are minimized numerically (L-BFGS-B with the
    analytic gradient, from zero, from the previous solution and from ``n_starts`` random starts); ``inf``
    where the threshold is not reached (a blind direction). ``profiled=False``: one real Lambda_i at a time,
    the others zero (the paper's Table-2 convention). For one channel these equal
    :func:`bayes_tmm.frequentist.profiled_limits` and :func:`~bayes_tmm.frequentist.one_at_a_time_limits`
    (checked in the tests).
    """
    from scipy.optimize import brentq, minimize

    from .frequentist import (DELTA_CHI2_90_1D, TABLE2_PARAMETERS, beam_moment_matrix, one_at_a_time_limits,
                              profiled_limits)

    params = TABLE2_PARAMETERS if params is None else params
    delta = DELTA_CHI2_90_1D if delta_chi2 is None else delta_chi2
    channels = list(channels)
    chi2s = [_RationalChi2(ch) for ch in channels]
    matrices = [beam_moment_matrix(ch, params) for ch in channels]
    rng = np.random.default_rng(seed)

    # A scale for the random starts and the scan: the largest finite single-channel limit.
    singles = np.concatenate([one_at_a_time_limits(ch, params, delta) for ch in channels]
                             + [profiled_limits(ch, params, delta) for ch in channels])
    scale = float(np.max(singles[np.isfinite(singles)])) if np.any(np.isfinite(singles)) else 1.0
    grid = np.concatenate([[0.0], scale * np.geomspace(1e-3, 30.0, 41)])
    limits = np.full(3, np.inf)
    for i in range(3):
        others = [k for k in range(3) if k != i]
        warm = {"x": np.zeros(4)}

        def profile(r: float) -> float:
            """chi^2 at |Lambda_i| = r, minimized over the other two Lambda's (or with them zero)."""
            if not profiled:
                return float(sum(c.value(r * r * float(np.real(m[i, i]))) for c, m in zip(chi2s, matrices)))

            def f(x):
                lam = np.zeros(3, complex)
                lam[i] = r
                lam[others] = x[:2] + 1j * x[2:]
                value, grad = 0.0, np.zeros(4)
                for c, m in zip(chi2s, matrices):
                    m_lam = m @ lam
                    n = float(np.real(lam.conj() @ m_lam))
                    value += c.value(n)
                    g = c.derivative(n) * 2.0 * m_lam[others]  # dN/dRe = 2 Re(M Lambda), dN/dIm = 2 Im(M Lambda)
                    grad += np.concatenate([g.real, g.imag])
                return value, grad

            starts = [np.zeros(4), warm["x"]] + [rng.normal(scale=scale, size=4) for _ in range(n_starts)]
            best = min((minimize(f, x0, jac=True, method="L-BFGS-B",
                                 options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 5000})
                        for x0 in starts), key=lambda res: res.fun)
            warm["x"] = best.x
            return float(best.fun)

        # Scan outwards until the profile has risen by more than delta above its running minimum (the
        # counting chi^2's are unimodal in each N_EM, so the minimum is then behind).
        values = []
        for r in grid:
            values.append(profile(r))
            if values[-1] - min(values) > delta and len(values) - 1 > int(np.argmin(values)):
                break
        values = np.array(values)
        k_min = int(np.argmin(values))
        chi2_min = float(values[k_min])
        above = np.flatnonzero((values - chi2_min > delta) & (np.arange(values.size) > k_min))
        if above.size == 0:
            continue
        k = int(above[0])
        limits[i] = brentq(lambda r: profile(r) - chi2_min - delta, grid[k - 1], grid[k],
                           xtol=1e-10 * grid[k], rtol=1e-10)
    return limits


def reference_chi2_limits(ref: ReferenceAnalysis, params=None) -> dict[str, np.ndarray]:
    """The chi^2 limits of a reference's likelihood (1e-10 mu_B, Delta chi^2 = 2.71; summed chi^2 for a
    joint fit): ``one_at_a_time`` (one real Lambda_i, others zero) and ``profiled`` (others and phases
    profiled; ``inf`` along a blind direction). A ``single``-mode posterior is the counterpart of the first,
    a ``full``-mode posterior lies between the two (marginalizing the phases weighs the blind valleys that
    set the profiled limit by their small volume)."""
    from .frequentist import TABLE2_PARAMETERS, one_at_a_time_limits, profiled_limits
    from .inference import channels_for

    params = TABLE2_PARAMETERS if params is None else params
    channels = channels_for(ref.selections())
    if len(channels) == 1:
        return {"one_at_a_time": one_at_a_time_limits(channels[0], params),
                "profiled": profiled_limits(channels[0], params)}
    return {"one_at_a_time": summed_chi2_limits(channels, params, profiled=False),
            "profiled": summed_chi2_limits(channels, params, profiled=True)}


# ------------------------------------------------------------------------------------------------
# Writing and checking
# ------------------------------------------------------------------------------------------------


def _json_number(x: float):
    return float(x) if math.isfinite(x) else None


def _make_readable(path: Path) -> None:
    """Give a file written through a private temporary file (``mkstemp``: 0o600) the usual permissions."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def _write_json_atomically(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(data, fh, indent=1, sort_keys=False)
            fh.write("\n")
        _make_readable(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def regenerate_references(out_dir: str | os.PathLike = "posteriors", seed: int = 1, *,
                          analyses: Sequence[ReferenceAnalysis] = REFERENCE_ANALYSES,
                          progress: Callable[[ReferenceAnalysis, dict], None] | None = None) -> dict:
    """Sample every reference analysis, store thinned draws and write ``manifest.json``; returns the manifest.

    All files are first written to a staging folder beside ``out_dir`` (each atomically, by
    :func:`~bayes_tmm.posterior_io.save_posterior`) and moved into ``out_dir`` only when every run has
    finished, the manifest last: an interrupted regeneration leaves the previous references intact. Samplers
    are shared between analyses of equal sampler settings, so each model structure (mode, number of
    analyses) is compiled once.
    """
    from .frequentist import TABLE2_PARAMETERS
    from .inference import PosteriorSampler, provenance
    from .posterior_io import save_posterior

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # The folder as named in commands and provenance: its last component, so that files made in another
    # copy of the folder are byte-identical to those made in place.
    label = out.resolve().name or "posteriors"
    staging = Path(tempfile.mkdtemp(prefix=f".{label}-staging-", dir=out.resolve().parent))
    try:
        samplers: dict = {}
        entries = []
        for ref in analyses:
            settings = ref.settings(seed)
            sampler = samplers.setdefault(settings, PosteriorSampler(settings, TABLE2_PARAMETERS))
            start = time.perf_counter()
            result, summary = sampler.sample(ref.selections(), ref.mode, ref.prior, seed=seed)
            seconds = time.perf_counter() - start
            cli = ref.cli_line(seed, label)
            prov = provenance(summary, settings, TABLE2_PARAMETERS, result.sampler, command=cli)
            kept = [v for v in KEPT_VARIABLES if v in result.draws]
            prov["reference"] = {"name": ref.name, "description": ref.description, "thin": THIN,
                                 "kept_variables": kept, "python_call": ref.python_call(seed),
                                 "full_run": {"chains": REFERENCE_CHAINS, "draws": REFERENCE_DRAWS,
                                              "tune": REFERENCE_TUNE}}
            draws = {v: np.ascontiguousarray(result.draws[v][:, ::THIN]) for v in kept}
            diverging = np.ascontiguousarray(result.diverging[:, ::THIN])
            path = staging / ref.file_name
            digest = save_posterior(path, draws, diverging, prov)
            d = result.diagnostics
            chi2 = reference_chi2_limits(ref)
            stored = stored_summary(draws)
            entry = {
                "name": ref.name,
                "file": ref.file_name,
                "description": ref.description,
                "analyses": [dict(zip(("experiment", "setup", "beam"), a)) for a in ref.analyses],
                "mode": ref.mode,
                "prior": prov["prior"],
                "python_call": ref.python_call(seed),
                "cli": cli,
                "seed": seed,
                "sampler_settings": prov["sampler"],
                "versions": prov["versions"],
                "sha256": digest,
                "bytes": path.stat().st_size,
                "stored": {"thin": THIN, "variables": kept, "chains": stored["chains"],
                           "draws_per_chain": stored["draws_per_chain"]},
                "limits90": stored["limits90"],
                "limits90_full_run": list(summary.limits90),
                "chi2_limits": {kind: [_json_number(x) for x in values] for kind, values in chi2.items()},
                "data_constrained": list(summary.data_constrained),
                "converged": bool(summary.converged),
                "diagnostics": {"rhat_max": d.rhat_max, "ess_bulk_min": d.ess_bulk_min,
                                "ess_tail_min": d.ess_tail_min, "divergences": d.divergences,
                                "n_samples": d.n_samples, "problems": list(summary.problems)},
            }
            entries.append(entry)
            if progress:
                progress(ref, {**entry, "seconds": seconds})
        manifest = {
            "description": "Reference posteriors of bayes_tmm's headline analyses: thinned draws, provenance and "
                           "hashes. limits90 are the 0.9 quantiles of |Lambda_1..3| over the STORED draws; converged "
                           "and diagnostics describe the full (unthinned) run; chi2_limits are those of the same "
                           "likelihood (summed chi^2 for a joint fit).",
            "units": "1e-10 muB",
            "credible_level": LEVEL,
            "regenerate": {
                "python": f"from bayes_tmm.references import regenerate_references; "
                          f"regenerate_references({label!r}, seed={seed})",
                "cli": f"bayes-tmm reference-posteriors --out {label} --seed {seed}",
            },
            "check": {"python": f"from bayes_tmm.references import check_references; check_references({label!r})",
                      "cli": f"bayes-tmm reference-posteriors --check --out {label}"},
            "references": entries,
        }
        _write_json_atomically(staging / MANIFEST_NAME, manifest)
        for entry in entries:
            os.replace(staging / entry["file"], out / entry["file"])
        os.replace(staging / MANIFEST_NAME, out / MANIFEST_NAME)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def load_manifest(directory: str | os.PathLike = "posteriors") -> dict:
    """The manifest of a references folder."""
    path = Path(directory) / MANIFEST_NAME
    if not path.is_file():
        raise FileNotFoundError(f"no reference manifest at {path}: run regenerate_references({str(directory)!r})")
    return json.loads(path.read_text())


def _close(a, b, tol: float = SUMMARY_TOLERANCE) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def check_references(directory: str | os.PathLike = "posteriors", *, check_specs: bool = False) -> list[str]:
    """Problems with the references in ``directory`` (an empty list when all is well).

    For every manifest entry: the file exists and loads with a matching content hash, the hash equals the
    manifest's, the provenance matches the entry (analyses, mode, seed), and the limits recomputed from the
    stored draws equal the manifest's to 1e-12. Also: every analysis of :data:`REFERENCE_ANALYSES` is listed.
    With ``check_specs``, the experiment specs in the provenance must equal the current ones (otherwise the
    references are stale and should be regenerated).
    """
    from .posterior_io import PosteriorHashError, load_posterior

    directory = Path(directory)
    try:
        manifest = load_manifest(directory)
    except (FileNotFoundError, json.JSONDecodeError) as exc:
        return [str(exc)]
    problems = []
    listed = {e.get("name") for e in manifest.get("references", [])}
    for ref in REFERENCE_ANALYSES:
        if ref.name not in listed:
            problems.append(f"{ref.name}: in REFERENCE_ANALYSES but not in the manifest")
    for entry in manifest.get("references", []):
        name = entry.get("name", "?")
        path = directory / entry.get("file", "")
        try:
            post = load_posterior(path)
        except (FileNotFoundError, PosteriorHashError, OSError, ValueError) as exc:
            problems.append(f"{name}: {exc}")
            continue
        if post.sha256 != entry.get("sha256"):
            problems.append(f"{name}: file hash {post.sha256} differs from the manifest's {entry.get('sha256')}")
        prov = post.provenance
        analyses = [dict(zip(("experiment", "setup", "beam"), (a["experiment"], a["setup"], a["beam"])))
                    for a in prov.get("analyses", [])]
        if analyses != entry.get("analyses"):
            problems.append(f"{name}: provenance analyses {analyses} differ from the manifest's {entry.get('analyses')}")
        if prov.get("mode") != entry.get("mode"):
            problems.append(f"{name}: provenance mode {prov.get('mode')!r} differs from the manifest's {entry.get('mode')!r}")
        if prov.get("sampler", {}).get("seed") != entry.get("seed"):
            problems.append(f"{name}: provenance seed {prov.get('sampler', {}).get('seed')} differs from the "
                            f"manifest's {entry.get('seed')}")
        if "lambda_moduli" not in post.draws:
            problems.append(f"{name}: no lambda_moduli in the file")
            continue
        summary = stored_summary(post.draws)
        expected = entry.get("limits90", [])
        if len(expected) != len(summary["limits90"]) or not all(
                _close(a, b) for a, b in zip(summary["limits90"], expected)):
            problems.append(f"{name}: limits from the stored draws {summary['limits90']} differ from the "
                            f"manifest's {expected}")
        stored = entry.get("stored", {})
        if (stored.get("chains"), stored.get("draws_per_chain")) != (summary["chains"], summary["draws_per_chain"]):
            problems.append(f"{name}: the file holds {summary['chains']} x {summary['draws_per_chain']} draws, the "
                            f"manifest says {stored.get('chains')} x {stored.get('draws_per_chain')}")
        if check_specs:
            from .experiments import get_setup

            for label, key in prov.get("spec_sha256", {}).items():
                experiment, setup, _beam = label.split(" ")
                current = get_setup(experiment, setup).key
                if current != key:
                    problems.append(f"{name}: the spec of {experiment} {setup} changed since the reference was made "
                                    "(regenerate the references)")
    return problems


def run_cli(out_dir: str = "posteriors", seed: int = 1, check: bool = False, as_json: bool = False) -> int:
    """What ``bayes-tmm reference-posteriors`` does: regenerate (default) or ``check`` the references."""
    import sys

    if check:
        problems = check_references(out_dir, check_specs=True)
        if as_json:
            print(json.dumps({"directory": str(out_dir), "ok": not problems, "problems": problems}, indent=1))
        else:
            for p in problems:
                print(f"PROBLEM: {p}")
            print(f"{out_dir}: {'all references check out' if not problems else f'{len(problems)} problem(s)'}")
        return 0 if not problems else 1

    def progress(ref, entry):
        if not as_json:
            lim = ", ".join(f"{x:.3g}" for x in entry["limits90"])
            print(f"  {ref.name:54s} {entry['seconds']:6.1f} s  limits90 [{lim}]"
                  f"{'' if entry['converged'] else '  NOT CONVERGED'}", file=sys.stderr)

    manifest = regenerate_references(out_dir, seed, progress=progress)
    if as_json:
        print(json.dumps(manifest, indent=1))
    else:
        print(f"{len(manifest['references'])} reference posteriors and {MANIFEST_NAME} written to {out_dir}")
    return 0 if all(e["converged"] for e in manifest["references"]) else 1
