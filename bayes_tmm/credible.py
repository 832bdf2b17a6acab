"""Credible intervals and regions from posterior samples."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import gaussian_filter

__all__ = ["HPDRegion", "hpd_region_2d"]


@dataclass(frozen=True)
class HPDRegion:
    """A highest-density region on a grid: the cells with ``density >= level`` hold ``prob`` of the mass.

    ``density`` has shape (len(x_centers), len(y_centers)) and integrates to 1 over the grid.
    """

    x_centers: np.ndarray
    y_centers: np.ndarray
    density: np.ndarray
    level: float
    prob: float


def hpd_region_2d(x, y, prob: float = 0.9, bins: int = 80, smoothing_bins: float = 1.0,
                  x_range=None, y_range=None) -> HPDRegion:
    """2-D highest-posterior-density region from samples: a histogram smoothed by a Gaussian of
    ``smoothing_bins`` cells, and the density level above which the cells hold ``prob`` of the mass.

    For moduli (>= 0) the histogram starts at 0 and the smoothing reflects at that edge, so the region is not
    pulled away from the physical boundary.
    """
    if not 0 < prob < 1:
        raise ValueError(f"prob must lie in (0, 1), got {prob!r}")
    x, y = np.asarray(x, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()
    x_range = x_range or (min(0.0, x.min()), x.max())
    y_range = y_range or (min(0.0, y.min()), y.max())
    hist, xe, ye = np.histogram2d(x, y, bins=bins, range=[x_range, y_range])
    if smoothing_bins > 0:
        hist = gaussian_filter(hist, smoothing_bins, mode="reflect")
    cell = (xe[1] - xe[0]) * (ye[1] - ye[0])
    density = hist / (hist.sum() * cell)
    order = np.sort(density.ravel())[::-1]
    mass = np.cumsum(order) * cell
    level = float(order[min(np.searchsorted(mass, prob), order.size - 1)])
    return HPDRegion(0.5 * (xe[1:] + xe[:-1]), 0.5 * (ye[1:] + ye[:-1]), density, level, prob)
