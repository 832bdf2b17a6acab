"""Command-line interface ``bayes-tmm``: a thin mirror of the Python API.

Sub-commands print a readable table by default and JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from .datasets import DatasetError
from .expected import NUISANCE_CONVENTIONS
from .experiments import SETUP_NAMES, experiment_names, get_setup
from .rates import templates
from .table2 import format_number, table2_rows

__all__ = ["main"]


def _rates_rows() -> list[dict]:
    rows = []
    for name in experiment_names():
        for setup in SETUP_NAMES:
            t = templates(get_setup(name, setup))
            for component, sm, em in zip(t.components, t.sm_total, t.em_total_per_mu2):
                rows.append({"experiment": name, "setup": setup, "component": component,
                             "sm_events": float(sm), "em_events_per_mu2": float(em)})
    return rows


def _print_table(header: list[str], rows: list[list[str]], left: int = 3, out=sys.stdout) -> None:
    """Print an aligned text table: the first ``left`` columns left-aligned, the rest right-aligned."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]

    def fmt(cells):
        return "  ".join(c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    line = fmt(header)
    print(line, file=out)
    print("-" * len(line), file=out)
    for r in rows:
        print(fmt(r), file=out)


def cmd_rates(args) -> int:
    rows = _rates_rows()
    if args.json:
        print(json.dumps({"units": {"sm_events": "events", "em_events_per_mu2": "events per (1e-10 muB)^2"},
                          "rows": rows}, indent=1))
        return 0
    print("Expected CEvNS events per beam component (SM, and EM per unit mu_eff^2 with mu in 1e-10 mu_B)\n")
    _print_table(
        ["experiment", "setup", "component", "SM events", "EM events / mu^2"],
        [[r["experiment"], r["setup"], r["component"], f"{r['sm_events']:.4g}", f"{r['em_events_per_mu2']:.4g}"]
         for r in rows],
    )
    return 0


def _print_current_future(by_key: dict, field: str) -> None:
    """Table-2 layout: one line per experiment and beam, each cell 'current [future]' of ``field``."""
    table = []
    for (name, beam, setup), r in by_key.items():
        if setup != "current":
            continue
        future = by_key.get((name, beam, "future"))
        current_values = getattr(r, field)
        cells = [format_number(c) if future is None else f"{format_number(c)} [{format_number(f)}]"
                 for c, f in zip(current_values, getattr(future, field) if future else current_values)]
        table.append([name, beam, *cells])
    _print_table(["experiment", "beam", "|Lambda_1|", "|Lambda_2|", "|Lambda_3|"], table, left=2)


def cmd_table2(args) -> int:
    rows = table2_rows(nuisance_on=args.nuisance_on)
    if args.json:
        print(json.dumps({
            "units": "1e-10 muB", "cl": 0.9, "delta_chi2": 2.71, "nuisance_on": args.nuisance_on,
            "rows": [{"experiment": r.experiment, "beam": r.beam, "setup": r.setup, "limits": list(r.limits),
                      "profiled_limits": [x if np.isfinite(x) else None for x in r.profiled_limits],
                      "convention": r.convention} for r in rows],
        }, indent=1))
        return 0
    by_key = {(r.experiment, r.beam, r.setup): r for r in rows}
    print("90% C.L. upper limits on |Lambda_1|, |Lambda_2|, |Lambda_3| in 1e-10 mu_B: current [future]")
    print("One non-zero Lambda_i at a time, real TMMs, delta_CP = 0, Delta chi^2 = 2.71 (arXiv:1905.03750 Table 2).\n")
    _print_current_future(by_key, "limits")
    print("\nSame, with the other two Lambda's and all phases profiled (not in the paper): current [future]\n")
    _print_current_future(by_key, "profiled_limits")
    print("\nunbounded: a single-flavour beam is blind along one complex direction of (Lambda_1, Lambda_2, Lambda_3)")
    print("(Eqs. 13-14); with free phases and the other moduli profiled, no limit on a single |Lambda_i| exists.")
    print("\nConventions:")
    for convention in dict.fromkeys(r.convention for r in rows):
        users = sorted({f"{r.experiment} {r.setup}" for r in rows if r.convention == convention})
        print(f"  {convention}\n      used by: {', '.join(users)}")
    return 0


def cmd_figures(args) -> int:
    from .figures import write_all_figures

    for path in write_all_figures(args.out):
        print(path)
    return 0


def _limit_or_none(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _summary_json(summary, allow_unconverged: bool) -> dict:
    sel = summary.selections
    return {
        "experiment": sel[0].experiment if len(sel) == 1 else [s.experiment for s in sel],
        "setup": sel[0].setup if len(sel) == 1 else [s.setup for s in sel],
        "beam": sel[0].beam if len(sel) == 1 else [s.beam for s in sel],
        "mode": summary.mode,
        "prior": summary.prior_name,
        "prior_description": summary.prior,
        "limits90": summary.reportable_limits(allow_unconverged),
        "limits90_raw": [_limit_or_none(x) for x in summary.limits90],
        "chi2_limits": [_limit_or_none(x) for x in summary.chi2_limits],
        "data_constrained": list(summary.data_constrained),
        "mu_eff_limits90": summary.mu_eff_limits90,
        "rhat_max": summary.rhat_max,
        "ess_bulk_min": summary.ess_bulk_min,
        "ess_tail_min": summary.ess_tail_min,
        "divergences": summary.divergences,
        "converged": summary.converged,
        "problems": list(summary.problems),
        "seconds": summary.seconds,
        "units": "1e-10 muB",
    }


def _print_summary(summary, allow_unconverged: bool) -> None:
    labels = ", ".join(s.label() for s in summary.selections)
    print(f"{labels}: mode {summary.mode}, prior {summary.prior}")
    status = "converged" if summary.converged else "NOT CONVERGED"
    print(f"sampler: {status} (R-hat max {summary.rhat_max:.4f}, bulk ESS min {summary.ess_bulk_min:.0f}, "
          f"tail ESS min {summary.ess_tail_min:.0f}, {summary.divergences} divergences; {summary.seconds:.1f} s)")
    chi2_kind = "profiled" if summary.mode == "full" else "one at a time"
    print(f"\n{'':12s}{'90% credible':>16s}{'chi^2 (' + chi2_kind + ')':>26s}")
    shown = summary.reportable_limits(allow_unconverged)
    for i in range(3):
        if not summary.data_constrained[i]:
            cell = f"prior-driven ({summary.limits90[i]:.3g})"
        elif shown[i] is None:
            cell = "unconverged" if np.isfinite(summary.limits90[i]) else "-"
        else:
            cell = f"{shown[i]:.3g}"
        print(f"|Lambda_{i + 1}|   {cell:>16s}{format_number(summary.chi2_limits[i]):>26s}")
    if summary.mu_eff_limits90 and (summary.converged or allow_unconverged):
        print("\n90% credible limits on mu_eff per beam component: "
              + ", ".join(f"{c} {v:.3g}" for c, v in summary.mu_eff_limits90.items()))
    for problem in summary.problems:
        print(f"WARNING: {problem}")
    print("(units: 1e-10 mu_B)")


def _run_sampler(args, selections, mode: str):
    from .inference import PosteriorSampler, provenance
    from .mixing import OSCILLATION_PARAMETER_SETS
    from .posterior_io import save_posterior
    from .sampling import SamplerSettings

    settings = SamplerSettings(draws=args.draws, tune=args.tune, chains=args.chains, seed=args.seed,
                               target_accept=args.target_accept, sampler=args.sampler)
    params = OSCILLATION_PARAMETER_SETS[args.oscillations]
    sampler = PosteriorSampler(settings, params)
    result, summary = sampler.sample(selections, mode, args.prior, lambda_max=args.lambda_max,
                                     nuisance_on=args.nuisance_on, pair=tuple(args.pair))
    if args.out:
        prov = provenance(summary, settings, params, result.sampler, command=" ".join(sys.argv))
        save_posterior(args.out, result.draws, result.diverging, prov)
    if args.json:
        print(json.dumps(_summary_json(summary, args.allow_unconverged), indent=1))
    else:
        _print_summary(summary, args.allow_unconverged)
        if args.out:
            print(f"posterior written to {args.out}")
    return 0 if summary.converged or args.allow_unconverged else 1


def cmd_sample(args) -> int:
    from .inference import beam_selections

    return _run_sampler(args, beam_selections(args.experiment, args.setup, args.beam), args.mode)


def cmd_joint(args) -> int:
    from .inference import AnalysisSelection

    selections = []
    for item in args.analyses:
        parts = item.split(":")
        if len(parts) != 3:
            raise ValueError(f"analysis {item!r} must be EXPERIMENT:SETUP:BEAM, e.g. CsI:current:full")
        selections.append(AnalysisSelection(*parts))
    return _run_sampler(args, selections, args.mode)


def cmd_compare(args) -> int:
    from .compare import compare_rows, rows_to_markdown, table2_selections, write_compare_plots
    from .inference import PosteriorSampler
    from .sampling import SamplerSettings

    sampler = PosteriorSampler(SamplerSettings(seed=args.seed))
    selections = table2_selections(setups=args.setups)

    def progress(selection, mode, prior, summary):
        if not args.json:
            print(f"  sampled {selection.label():28s} {mode:6s} {prior:11s} {summary.seconds:5.1f} s"
                  f"{'' if summary.converged else '  (not converged)'}", file=sys.stderr)

    rows = compare_rows(sampler, selections, progress=progress)
    if args.json:
        print(json.dumps({"units": "1e-10 muB", "cl": 0.9, "rows": [
            {"experiment": r.selection.experiment, "setup": r.selection.setup, "beam": r.selection.beam,
             "mode": r.mode, "chi2_limits": [_limit_or_none(x) for x in r.chi2_limits],
             "posteriors": {p: _summary_json(s, False) for p, s in r.posteriors.items()}} for r in rows]}, indent=1))
    else:
        print("90% limits on |Lambda_1| / |Lambda_2| / |Lambda_3| (1e-10 mu_B): chi^2 (single: one at a time, "
              "Delta chi^2 = 2.71; full: others and phases profiled) next to 90% credible limits per prior.")
        print("'prior': the data leave that |Lambda_i| unconstrained (blind direction); 'unconverged': the sampler "
              "failed its checks.\n")
        print(rows_to_markdown(rows))
    if args.out:
        for path in write_compare_plots(sampler, args.out):
            print(path, file=sys.stderr)
    return 0


def cmd_fit_data(args) -> int:
    from .real_data import fit_data
    from .sampling import SamplerSettings

    result = fit_data(args.dataset, mode=args.mode, prior=args.prior, lambda_max=args.lambda_max,
                      settings=SamplerSettings(seed=args.seed))
    posterior = [x if (result.converged or args.allow_unconverged) else None for x in result.limits90_posterior]
    fits = result.signal_fits
    if args.out:
        from .data_figures import write_dataset_figure
        from .real_data import load_dataset

        for name, fit in fits.items():
            for path in write_dataset_figure(load_dataset(name), fit, result.limits90_profile[0], args.out):
                print(path, file=sys.stderr)
    if args.json:
        single = len(fits) == 1
        fit = next(iter(fits.values()))
        print(json.dumps({
            "dataset": result.dataset,
            "mode": result.mode,
            "sm_signal_events": fit.events if single else {k: v.events for k, v in fits.items()},
            "sm_signal_events_err": (0.5 * (fit.error_low + fit.error_high) if single
                                     else {k: 0.5 * (v.error_low + v.error_high) for k, v in fits.items()}),
            "sm_prediction_events": fit.predicted_events if single else {k: v.predicted_events for k, v in fits.items()},
            "limits90_profile": [_limit_or_none(x) for x in result.limits90_profile],
            "limits90_posterior": posterior,
            "converged": result.converged,
            "diagnostics": result.diagnostics,
            "published": result.published,
            "units": "1e-10 muB",
            "seconds": result.seconds,
        }, indent=1, default=float))
    else:
        print(f"{result.dataset} ({result.mode} mode)\n")
        for name, fit in fits.items():
            pub = result.published.get(name, {})
            print(f"{name}: fitted CEvNS {fit.events:.1f} -{fit.error_low:.1f} +{fit.error_high:.1f} events; "
                  f"SM prediction {fit.predicted_events:.1f}; published fit "
                  f"{pub.get('cevns_fit_events', '?')} +- {pub.get('cevns_fit_error', '?')}, "
                  f"prediction {pub.get('sm_prediction_events', '?')} ({pub.get('source', '')})")
        print(f"\n{'':12s}{'profile likelihood':>20s}{'posterior (' + args.prior + ')':>22s}")
        for i in range(3):
            post = "unconverged" if posterior[i] is None else f"{posterior[i]:.3g}"
            print(f"|Lambda_{i + 1}|   {format_number(result.limits90_profile[i]):>20s}{post:>22s}")
        d = result.diagnostics
        print(f"\nsampler: {'converged' if result.converged else 'NOT CONVERGED'} (R-hat max {d['rhat_max']:.4f}, "
              f"ESS bulk/tail min {d['ess_bulk_min']:.0f}/{d['ess_tail_min']:.0f}, {d['divergences']} divergences), "
              f"prior {d['prior']}; {result.seconds:.0f} s")
        print("90% C.L. / credible upper limits in 1e-10 mu_B")
    return 0 if result.converged or args.allow_unconverged else 1


def cmd_reference_posteriors(args) -> int:
    from .references import run_cli

    return run_cli(args.out, seed=args.seed, check=args.check, as_json=args.json)


def _add_sampler_options(p) -> None:
    from .priors import MODES, PRIORS
    from .mixing import OSCILLATION_PARAMETER_SETS

    p.add_argument("--mode", choices=MODES, default="single")
    p.add_argument("--prior", choices=PRIORS, default="flat")
    p.add_argument("--lambda-max", type=float, default=None,
                   help="upper end of the prior range in 1e-10 mu_B (default: 3x the weakest chi^2 limit)")
    p.add_argument("--pair", type=int, nargs=2, default=(1, 2), metavar=("I", "J"),
                   help="the two non-zero Lambda's in pair mode (1-based)")
    p.add_argument("--nuisance-on", choices=NUISANCE_CONVENTIONS, default="signal",
                   help="Eq. (35) convention for projected setups")
    p.add_argument("--oscillations", choices=sorted(OSCILLATION_PARAMETER_SETS), default="paper_table2")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--draws", type=int, default=1000)
    p.add_argument("--tune", type=int, default=1000)
    p.add_argument("--chains", type=int, default=4)
    p.add_argument("--target-accept", type=float, default=0.95)
    p.add_argument("--sampler", choices=("auto", "nutpie", "pymc"), default="auto")
    p.add_argument("--out", default=None, help="write the posterior (NetCDF with provenance) to this file")
    p.add_argument("--json", action="store_true")
    p.add_argument("--allow-unconverged", action="store_true",
                   help="print the limits of a run that failed its convergence checks (marked as such)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bayes-tmm",
        description="Neutrino transition magnetic moments from CEvNS and solar data (arXiv:1905.03750 and beyond).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("rates", help="expected SM and EM events for every experiment, setup and beam component")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_rates)
    p = sub.add_parser("table2", help="the paper's Table 2: 90%% C.L. limits on |Lambda_i|, current [future]")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--nuisance-on", choices=NUISANCE_CONVENTIONS, default="signal",
                   help="Eq. (35) convention for projections: nuisance on the EM signal (default, reproduces "
                        "the paper) or on the total prediction")
    p.set_defaults(func=cmd_table2)
    p = sub.add_parser("figures", help="write the paper's Figs. 1-8 as PNG and PDF")
    p.add_argument("--out", default="figures", help="output folder (created if missing)")
    p.set_defaults(func=cmd_figures)
    p = sub.add_parser("sample", help="posterior of the TMMs for one experiment, setup and beam")
    p.add_argument("--experiment", required=True)
    p.add_argument("--setup", choices=SETUP_NAMES, default="current")
    p.add_argument("--beam", required=True, help="prompt, delayed, full (SNS) or reactor")
    _add_sampler_options(p)
    p.set_defaults(func=cmd_sample)
    p = sub.add_parser("joint", help="joint posterior of several analyses, e.g. CsI:current:full CONUS:current:reactor")
    p.add_argument("analyses", nargs="+", metavar="EXPERIMENT:SETUP:BEAM")
    _add_sampler_options(p)
    p.set_defaults(func=cmd_joint, mode="full")
    p = sub.add_parser("compare", help="chi^2 and credible limits side by side for every row of Table 2")
    p.add_argument("--json", action="store_true")
    p.add_argument("--out", default=None, help="folder for the comparison plots")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--setups", nargs="+", choices=SETUP_NAMES, default=list(SETUP_NAMES))
    p.set_defaults(func=cmd_compare)
    from .priors import PRIORS
    from .real_data import DATASET_NAMES

    p = sub.add_parser("fit-data", help="fit released COHERENT data: SM signal and TMM limits (profile and posterior)")
    p.add_argument("--dataset", required=True, choices=DATASET_NAMES + ("joint",))
    p.add_argument("--mode", choices=("single", "full"), default="single")
    p.add_argument("--prior", choices=PRIORS, default="flat")
    p.add_argument("--lambda-max", type=float, default=None)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", action="store_true")
    p.add_argument("--allow-unconverged", action="store_true")
    p.add_argument("--out", default=None, help="folder for a figure per data set (data vs fitted stacks)")
    p.set_defaults(func=cmd_fit_data)
    p = sub.add_parser("reference-posteriors",
                       help="regenerate the reference posteriors (thinned NetCDF files + manifest.json), or --check them")
    p.add_argument("--out", default="posteriors", help="folder of the reference posteriors")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--check", action="store_true",
                   help="do not sample: verify each file's hash, its limits against the manifest and its specs")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_reference_posteriors)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError, DatasetError) as exc:
        print(f"bayes-tmm: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
