"""Physical constants and unit conversions (PHYSICS.md Sect. 0).

Natural units (hbar = c = 1) with energies in MeV throughout the physics code.
Every name that is not in MeV carries its unit.
"""

from __future__ import annotations

__all__ = [
    "G_F_MeV2",
    "ALPHA_EM",
    "M_E_MeV",
    "HBARC_MeV_fm",
    "HBARC2_MeV2_cm2",
    "AMU_MeV",
    "N_AVOGADRO",
    "M_PION_MeV",
    "M_MUON_MeV",
    "SECONDS_PER_DAY",
    "DAYS_PER_YEAR",
    "SECONDS_PER_YEAR",
    "MEV_PER_JOULE",
    "MU_UNIT_muB",
]

#: Fermi constant, MeV^-2 (PDG).
G_F_MeV2 = 1.1663787e-11
#: Fine-structure constant at q^2 = 0.
ALPHA_EM = 1.0 / 137.035999
#: Electron mass, MeV.
M_E_MeV = 0.51099895
#: hbar*c, MeV fm.
HBARC_MeV_fm = 197.3269804
#: (hbar*c)^2 in MeV^2 cm^2: multiplies a cross section in MeV^-2 to give cm^2.
HBARC2_MeV2_cm2 = (HBARC_MeV_fm * 1e-13) ** 2
#: Atomic mass unit, MeV.
AMU_MeV = 931.49410242
#: Avogadro constant, mol^-1.
N_AVOGADRO = 6.02214076e23
#: Charged-pion mass, MeV.
M_PION_MeV = 139.57039
#: Muon mass, MeV.
M_MUON_MeV = 105.6583755
#: Seconds in a day.
SECONDS_PER_DAY = 86400.0
#: Julian year in days.
DAYS_PER_YEAR = 365.25
#: Julian year in seconds (3.15576e7 s).
SECONDS_PER_YEAR = DAYS_PER_YEAR * SECONDS_PER_DAY
#: MeV per joule (1 / elementary charge).
MEV_PER_JOULE = 1.0 / 1.602176634e-13
#: The unit of magnetic moments at the API surface: 1e-10 Bohr magnetons.
MU_UNIT_muB = 1e-10
