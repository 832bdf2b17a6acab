"""bayes_tmm: inference on Majorana neutrino transition magnetic moments (TMMs).

Physics follows Miranda, Papoulias, Tortola and Valle, arXiv:1905.03750 (JHEP 07 (2019) 103).
Magnetic moments at the API surface are in units of 1e-10 Bohr magnetons; energies in MeV
unless a name says otherwise.
"""

__version__ = "0.1.0"

import warnings as _warnings

# PyTensor warns when a pip install finds no BLAS to link; the graphs here are tiny, so the
# note is noise for users (PYTENSOR_FLAGS="blas__ldflags=..." configures a BLAS explicitly).
_warnings.filterwarnings("ignore", message="PyTensor could not link to a BLAS installation")
