import pytest

from services.members.domain.tax_number import is_valid_vkn


def _reference_check_digit(first_nine: str) -> str:
    """The check digit computed the other way round (from the right), as GİB describes it."""
    total = 0
    for position, digit in enumerate(reversed(first_nine), 1):
        step = (int(digit) + position) % 10
        if step:
            total += (step * 2 ** position) % 9 or 9
    return str((10 - total) % 10)


def test_a_published_valid_vkn():
    assert is_valid_vkn("4540536920")


@pytest.mark.parametrize("value", ["4540536921", "454053692", "45405369200", "454053692a", "", "١٢٣٤٥٦٧٨٩٠"])
def test_invalid(value):
    assert not is_valid_vkn(value)


@pytest.mark.parametrize("first_nine", ["000000000", "123456789", "999999999", "454053692", "100000001", "987654321"])
def test_exactly_one_check_digit_is_valid_and_it_agrees_with_the_reference(first_nine):
    valid = [d for d in "0123456789" if is_valid_vkn(first_nine + d)]
    assert valid == [_reference_check_digit(first_nine)]
