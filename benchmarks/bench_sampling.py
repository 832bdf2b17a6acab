"""Time the Bayesian posteriors: cold (model building + compilation + sampling) and re-used compiled models.

For each mode the first ``PosteriorSampler.sample`` call of the process builds and compiles the model; the
following calls are other experiments/setups of the same structure and re-use the compiled model (only
``pm.Data`` values change). Printed per call: wall time of the ``sample`` call, of which compilation and
sampling, the sampler used, convergence diagnostics and bulk ESS per second of sampling for every element of
the free variables (min and median).

Aims (issue): a cold posterior (4 chains x 1000 draws) in under 20 s, a re-used one in under 3 s.

Run (from the repository root)::

    PYTHONPATH=. PYTENSOR_FLAGS="base_compiledir=.cache/pytensor311,blas__ldflags=" \\
        .venv311/bin/python benchmarks/bench_sampling.py [--fresh-cache] [--sampler auto|nutpie|pymc]

``--fresh-cache`` points pytensor at an empty temporary compile directory (a first run on a new machine);
without it the compile cache named in PYTENSOR_FLAGS (or pytensor's default) is used and may be warm.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

T_START = time.perf_counter()

#: (mode, [selections as (experiment, setup, beam)]): the first of each list compiles, the rest re-use.
CASES = (
    ("single", [("CsI", "current", "prompt"), ("HPGe", "current", "prompt"), ("LAr", "future", "delayed")]),
    ("full", [("CsI", "current", "full"), ("LAr", "current", "full"), ("LAr", "future", "delayed")]),
)
COLD_AIM_S = 20.0
REUSED_AIM_S = 3.0


def _parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--fresh-cache", action="store_true", help="use an empty temporary pytensor compile directory")
    p.add_argument("--sampler", default="auto", choices=("auto", "nutpie", "pymc"))
    p.add_argument("--draws", type=int, default=1000)
    p.add_argument("--tune", type=int, default=1000)
    p.add_argument("--chains", type=int, default=4)
    p.add_argument("--modes", default="single,full", help="comma-separated modes to time (default single,full)")
    return p.parse_args()


def _ess_per_second(result) -> tuple[float, float, int]:
    """(min, median) bulk ESS / sampling second over every element of the free variables, and their count."""
    import arviz as az
    import numpy as np

    ess = []
    for name in result.free_variables:
        values = result.draws[name]
        flat = values.reshape(values.shape[0], values.shape[1], -1)
        ess.extend(float(az.ess(flat[:, :, e], method="bulk")) for e in range(flat.shape[2]))
    ess = np.asarray(ess) / result.seconds
    return float(ess.min()), float(np.median(ess)), ess.size


def main() -> int:
    args = _parse()
    if args.fresh_cache:
        tmp = tempfile.mkdtemp(prefix="pytensor_bench_")
        flags = os.environ.get("PYTENSOR_FLAGS", "")
        kept = [f for f in flags.split(",") if f and not f.startswith("base_compiledir=")]
        os.environ["PYTENSOR_FLAGS"] = ",".join(kept + [f"base_compiledir={tmp}"])

    t0 = time.perf_counter()
    import pymc
    import pytensor

    from bayes_tmm.inference import AnalysisSelection, PosteriorSampler
    from bayes_tmm.sampling import SamplerSettings, nutpie_available
    import_seconds = time.perf_counter() - t0

    versions = [f"python {sys.version.split()[0]}", f"pymc {pymc.__version__}", f"pytensor {pytensor.__version__}"]
    if nutpie_available():
        import nutpie

        versions.append(f"nutpie {nutpie.__version__}")
    else:
        versions.append("nutpie not installed")
    settings = SamplerSettings(draws=args.draws, tune=args.tune, chains=args.chains, sampler=args.sampler)
    print("bench_sampling:", ", ".join(versions))
    print(f"pytensor compiledir: {pytensor.config.compiledir}  linker: {pytensor.config.linker}"
          f"{'  (fresh, empty)' if args.fresh_cache else ''}")
    print(f"sampler requested: {settings.sampler} -> used: {settings.resolved_sampler}; "
          f"{settings.chains} chains x {settings.draws} draws (+{settings.tune} tune), "
          f"target_accept {settings.target_accept}, low-rank mass matrix {settings.low_rank_mass_matrix}")
    print(f"load average (1, 5, 15 min) on {os.cpu_count()} cores: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} (timings are wall-clock: other jobs inflate them)")
    print(f"import pymc + bayes_tmm: {import_seconds:.2f} s (interpreter start to imports done: "
          f"{time.perf_counter() - T_START:.2f} s)")

    sampler = PosteriorSampler(settings)
    failures = []
    for mode, runs in CASES:
        if mode not in args.modes.split(","):
            continue
        print(f"\n== mode {mode!r}, flat prior ==")
        header = (f"{'analysis':<24} {'call':>7} {'compile':>8} {'sample':>7} {'other':>6}  {'sampler':<7} "
                  f"{'R-hat':>6} {'ESSbulk':>7} {'div':>4} {'conv':>5}  {'ESS/s min':>9} {'ESS/s med':>9}  "
                  f"{'90% limits |L1..3|'}")
        print(header)
        for n, (experiment, setup, beam) in enumerate(runs):
            sel = AnalysisSelection(experiment, setup, beam)
            before = set(sampler._compiled)
            start = time.perf_counter()
            result, summary = sampler.sample([sel], mode, "flat")
            wall = time.perf_counter() - start
            new_keys = set(sampler._compiled) - before
            compile_s = sum(sampler._compiled[k].compile_seconds for k in new_keys)
            other = wall - compile_s - result.seconds  # templates, chi^2 limits, model building, summary
            ess_min, ess_med, n_el = _ess_per_second(result)
            d = result.diagnostics
            limits = " ".join(f"{x:7.3g}" for x in summary.limits90)
            tag = "cold" if new_keys else "re-used"
            print(f"{sel.label():<24} {wall:6.2f}s {compile_s:7.2f}s {result.seconds:6.2f}s {other:5.2f}s  "
                  f"{result.sampler:<7} {d.rhat_max:6.3f} {d.ess_bulk_min:7.0f} {d.divergences:4d} "
                  f"{str(d.converged):>5}  {ess_min:9.0f} {ess_med:9.0f}  {limits}   [{tag}]")
            aim = COLD_AIM_S if new_keys else REUSED_AIM_S
            if wall > aim:
                failures.append(f"{mode} {sel.label()} ({tag}): {wall:.2f} s > aim {aim:g} s")
            if not d.converged:
                failures.append(f"{mode} {sel.label()}: not converged ({'; '.join(d.problems())})")
        print(f"(ESS/s over {n_el} free-variable elements: {', '.join(result.free_variables)}; "
              "'call' = wall time of PosteriorSampler.sample, 'other' = templates, chi^2 limits, model "
              "building, summary)")
    print(f"\ntotal wall time: {time.perf_counter() - T_START:.1f} s; load average now "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if failures:
        print("missed aims / problems:")
        for f in failures:
            print("  -", f)
    else:
        print(f"all aims met (cold < {COLD_AIM_S:g} s, re-used < {REUSED_AIM_S:g} s, all runs converged)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
