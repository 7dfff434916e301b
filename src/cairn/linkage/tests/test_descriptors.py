"""A reporter's estimate of an age becomes the range the model compares."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cairn.linkage.engine.descriptors import age_estimate


@pytest.mark.parametrize(
    ("age_min", "age_max", "description", "expected"),
    [
        (23, 23, "", (18, 28)),
        (20, 30, "", (15, 35)),
        (None, None, "female, about 14, stocky", (9, 19)),
        (None, None, "male, 30s, beard", (25, 44)),
        (None, None, "male, late 20s", (15, 34)),
        (None, None, "tall, beard", (None, None)),
        (3, None, "", (0, 8)),
    ],
)
def test_an_estimated_age_is_compared_give_or_take_five_years(
    age_min, age_max, description, expected
):
    assert age_estimate(age_min, age_max, description) == expected


@given(st.integers(min_value=0, max_value=99), st.integers(min_value=0, max_value=20))
def test_an_age_estimate_always_holds_the_reporters_guess(age, spread):
    low, high = age_estimate(age, age + spread)
    assert low is not None and high is not None
    assert low <= age <= age + spread <= high
