"""One figure per released data set: the data against the fitted SM CEvNS and background stacks, projected
on the energy (or PE) axis and on the arrival-time axis, with the TMM excess at the 90 % limit on |Lambda_1|
drawn on top (one non-zero real Lambda_1, Table-2 mixing)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from .binned import BinnedDataset, fit_nuisances
from .data_fits import SignalFit, moment_matrices

__all__ = ["draw_dataset_figure", "write_dataset_figure"]


def _project(values: np.ndarray, shape: tuple[int, ...], axis: int) -> np.ndarray:
    grid = values.reshape(values.shape[:-1] + tuple(shape))
    other = tuple(a + values.ndim - 1 for a in range(len(shape)) if a != axis)
    return grid.sum(axis=other)


def draw_dataset_figure(dataset: BinnedDataset, fit: SignalFit, lambda1_limit: float) -> Figure:
    """Data (points with sqrt(N) errors), fitted backgrounds and SM CEvNS (stacked), and the SM + TMM
    excess for |Lambda_1| = ``lambda1_limit`` (1e-10 mu_B), on the first axis and on the time axis."""
    nuis = fit_nuisances(dataset, signal_scale=fit.scale)
    backgrounds = (1.0 + nuis.beta)[:, None] * dataset.backgrounds
    signal = fit.scale * dataset.sm_templates.sum(axis=0)
    mu2 = lambda1_limit**2 * np.real(moment_matrices(dataset)[:, 0, 0])
    excess = fit.scale * (mu2 @ dataset.em_templates)
    names = list(dataset.axes)
    axes_to_show = [0, len(dataset.bin_shape) - 1]
    fig = Figure(figsize=(11, 4.2), layout="constrained")
    palette = ["tab:blue", "tab:orange", "tab:purple", "tab:brown", "tab:gray", "tab:olive"]
    for ax, axis in zip(fig.subplots(1, 2), axes_to_show):
        edges = np.asarray(dataset.axes[names[axis]], dtype=float)
        centers = 0.5 * (edges[1:] + edges[:-1])
        width = np.diff(edges)  # plotted per unit of the axis: bins need not be equal
        bottom = np.zeros(centers.size)
        # group the background components by their name prefix (e.g. steady_state_PE_... -> steady_state)
        groups: dict[str, np.ndarray] = {}
        for name, b in zip(dataset.background_names, backgrounds):
            key = name.split("_PE_")[0]
            groups[key] = groups.get(key, 0.0) + _project(b, dataset.bin_shape, axis) / width
        for color, (key, values) in zip(palette, groups.items()):
            ax.bar(centers, values, width=width, bottom=bottom, alpha=0.6, color=color, label=key)
            bottom = bottom + values
        sm = _project(signal, dataset.bin_shape, axis) / width
        ax.bar(centers, sm, width=width, bottom=bottom, alpha=0.7, color="tab:green",
               label=f"SM CEvNS (fit: {fit.events:.0f} events)")
        total = bottom + sm
        ax.step(edges, np.append(total + _project(excess, dataset.bin_shape, axis) / width, np.nan), where="post",
                color="tab:red", lw=1.5, label=rf"+ TMM excess, $|\Lambda_1|$ = {lambda1_limit:.3g} (90% limit)")
        observed = _project(dataset.observed, dataset.bin_shape, axis)
        ax.errorbar(centers, observed / width, yerr=np.sqrt(np.maximum(observed, 1.0)) / width, fmt="o",
                    color="k", ms=3, label="data")
        name, _, unit = names[axis].partition("_")
        unit = unit.replace("us", "µs") or name
        ax.set_xlabel(f"{name} [{unit}]" if unit != name else name)
        ax.set_ylabel(f"events per {unit}")
        ax.legend(fontsize=7)
    fig.suptitle(f"{dataset.name}: data, fitted backgrounds and SM CEvNS, and the TMM excess at the 90% limit "
                 r"(one real $\Lambda_1$, units $10^{-10}\mu_B$)", fontsize=10)
    return fig


def write_dataset_figure(dataset: BinnedDataset, fit: SignalFit, lambda1_limit: float, out_dir) -> list[Path]:
    """Save the figure as ``<name>.png`` and ``.pdf`` in ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fig = draw_dataset_figure(dataset, fit, lambda1_limit)
    paths = [out / f"{dataset.name}.{ext}" for ext in ("png", "pdf")]
    for p in paths:
        fig.savefig(p, dpi=120)
    return paths
