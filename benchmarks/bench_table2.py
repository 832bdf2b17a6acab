"""Time the whole Table 2 (all rows, current and future, every beam, plus profiled limits).

Templates are computed once first (they are cached per spec), then the table is timed.
Run: python benchmarks/bench_table2.py
"""

import time

from bayes_tmm.experiments import SETUP_NAMES, experiment_names, get_setup
from bayes_tmm.rates import templates
from bayes_tmm.table2 import table2_rows


def main() -> None:
    start = time.perf_counter()
    for name in experiment_names():
        for setup in SETUP_NAMES:
            templates(get_setup(name, setup))
    cold = time.perf_counter() - start
    start = time.perf_counter()
    rows = table2_rows()
    warm = time.perf_counter() - start
    print(f"templates (cold, all setups): {cold:.3f} s")
    print(f"Table 2 with cached templates: {warm:.3f} s for {len(rows)} rows ({warm / len(rows) * 1e3:.1f} ms per row)")


if __name__ == "__main__":
    main()
