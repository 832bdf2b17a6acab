"""Command-line interface ``bayes-tmm``: a thin mirror of the Python API.

Sub-commands print a readable table by default and JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

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
    table = []
    for (name, beam, setup), r in by_key.items():
        if setup != "current":
            continue
        future = by_key.get((name, beam, "future"))
        cells = [f"{format_number(c)} [{format_number(f)}]" if future else format_number(c)
                 for c, f in zip(r.limits, future.limits if future else r.limits)]
        table.append([name, beam, *cells])
    _print_table(["experiment", "beam", "|Lambda_1|", "|Lambda_2|", "|Lambda_3|"], table, left=2)
    print("\nSame, with the other two Lambda's and all phases profiled (not in the paper): current [future]\n")
    table = []
    for (name, beam, setup), r in by_key.items():
        if setup != "current":
            continue
        future = by_key.get((name, beam, "future"))
        cells = [f"{format_number(c)} [{format_number(f)}]" if future else format_number(c)
                 for c, f in zip(r.profiled_limits, future.profiled_limits if future else r.profiled_limits)]
        table.append([name, beam, *cells])
    _print_table(["experiment", "beam", "|Lambda_1|", "|Lambda_2|", "|Lambda_3|"], table, left=2)
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bayes-tmm",
        description="Neutrino transition magnetic moments from CEvNS and solar data (arXiv:1905.03750 and beyond).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("rates", help="expected SM and EM events for every experiment, setup and beam component")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_rates)
    p = sub.add_parser("table2", help="the paper's Table 2: 90% C.L. limits on |Lambda_i|, current [future]")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--nuisance-on", choices=NUISANCE_CONVENTIONS, default="signal",
                   help="Eq. (35) convention for projections: nuisance on the EM signal (default, reproduces "
                        "the paper) or on the total prediction")
    p.set_defaults(func=cmd_table2)
    p = sub.add_parser("figures", help="write the paper's Figs. 1-8 as PNG and PDF")
    p.add_argument("--out", default="figures", help="output folder (created if missing)")
    p.set_defaults(func=cmd_figures)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError) as exc:
        print(f"bayes-tmm: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
