"""The runnable examples in the public docstrings are correct (doctest)."""

import doctest
import importlib

import pytest

MODULES = ["nuclei", "form_factors", "cross_sections", "quenching", "sources", "expected", "mixing", "tmm",
           "solar"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"bayes_tmm.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"bayes_tmm.{name} has no examples"
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in bayes_tmm.{name}"
