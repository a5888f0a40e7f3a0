import pytest

from content.dose import find_dose


@pytest.mark.parametrize("text", [
    "take 10 mg twice a day", "5mg", "two pills", "half a tablet", "0.5 ml", "30 milligrams",
    "1 tab", "3 doses", "two 5-mg tablets",
])
def test_dose_is_found(text):
    assert find_dose(text)


@pytest.mark.parametrize("text", [
    "call or text 988", "1-800-662-4357", "open 24/7", "PTSD affects millions",
    "Samaritans: 116 123", "Sertraline and paroxetine are approved", "P3",
])
def test_non_dose_is_not_flagged(text):
    assert find_dose(text) is None
