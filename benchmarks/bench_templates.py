"""Time building all event templates (every experiment, both setups) against adaptive quadrature.

Prints the fast-path time, the adaptive-reference time, their ratio and the worst relative difference.
Run: python benchmarks/bench_templates.py
"""

import time

import numpy as np

from bayes_tmm.experiments import SETUP_NAMES, experiment_names, get_setup
from bayes_tmm.rates import compute_templates
from bayes_tmm.rates_reference import reference_events


def main() -> None:
    specs = [get_setup(name, setup) for name in experiment_names() for setup in SETUP_NAMES]
    compute_templates(specs[0])  # warm imports
    start = time.perf_counter()
    fast = [compute_templates(spec) for spec in specs]
    fast_s = time.perf_counter() - start

    start = time.perf_counter()
    worst, where = 0.0, ""
    for spec, t in zip(specs, fast):
        for i, component in enumerate(t.components):
            for em, values in ((False, t.sm_events[i]), (True, t.em_events_per_mu2[i])):
                ref = reference_events(spec, component, em)
                rel = float(np.max(np.abs(values / ref - 1)))
                if rel > worst:
                    worst, where = rel, f"{spec.label} {component} {'EM' if em else 'SM'}"
    slow_s = time.perf_counter() - start

    print(f"setups: {len(specs)}")
    print(f"fixed-grid templates (all setups): {fast_s:.3f} s")
    print(f"adaptive quadrature reference:     {slow_s:.1f} s")
    print(f"speed-up: {slow_s / fast_s:.0f}x")
    print(f"worst relative difference: {worst:.2e} ({where})")


if __name__ == "__main__":
    main()
