"""Command-line interface ``bayes-tmm``: a thin mirror of the Python API.

Sub-commands print a readable table by default and JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import json
import sys

from .experiments import SETUP_NAMES, experiment_names, get_setup
from .rates import templates

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


def _print_table(header: list[str], rows: list[list[str]], out=sys.stdout) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    line = "  ".join(h.ljust(w) if i < 3 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths)))
    print(line, file=out)
    print("-" * len(line), file=out)
    for r in rows:
        print("  ".join(c.ljust(w) if i < 3 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))), file=out)


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bayes-tmm",
        description="Neutrino transition magnetic moments from CEvNS and solar data (arXiv:1905.03750 and beyond).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("rates", help="expected SM and EM events for every experiment, setup and beam component")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_rates)
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
