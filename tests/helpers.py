"""Shared helpers for tests: load a model file as a dict, modify it, and validate it."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

from bayes_tmm.experiments import parse_experiment

MODELS = Path(__file__).resolve().parents[1] / "models"


def model_dict(file_stem: str) -> dict:
    """The parsed TOML of ``models/<file_stem>.toml`` (a fresh copy)."""
    return copy.deepcopy(tomllib.loads((MODELS / f"{file_stem}.toml").read_text()))


def setup_from(data: dict, setup: str = "current", file: str = "test.toml"):
    """Validate ``data`` as an experiment file and return one setup spec."""
    return parse_experiment(data, file).setups[setup]
