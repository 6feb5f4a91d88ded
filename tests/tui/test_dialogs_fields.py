"""The field parsers every dialog shares: round trips and the rules they enforce."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imagedeck.dialogs.changes import property_changes
from imagedeck.dialogs.fields import (
    FieldError,
    format_properties,
    parse_choices,
    parse_count,
    parse_list,
    parse_properties,
)
from imagedeck.model import CORE_FIELDS

keys = st.from_regex(r"[a-z][a-z0-9_:.-]{0,20}", fullmatch=True).filter(
    lambda k: k not in CORE_FIELDS and not k.startswith("os_glance")
)
values = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=30).map(str.strip)


@given(st.dictionaries(keys, values, max_size=8))
def test_properties_survive_a_round_trip_through_the_text_form(properties: dict[str, str]) -> None:
    assert parse_properties(format_properties(properties)) == properties


@given(st.dictionaries(keys, values, max_size=6), st.dictionaries(keys, values, max_size=6))
def test_property_changes_turn_one_mapping_into_the_other(
    current: dict[str, str], wanted: dict[str, str]
) -> None:
    result = dict(current)
    for change in property_changes(current, wanted):
        if change.op == "remove":
            del result[change.path]
        else:
            assert (change.op == "add") == (change.path not in current)
            result[change.path] = change.value
    assert result == wanted


def test_property_values_may_hold_equals_signs_and_blank_lines_are_ignored() -> None:
    assert parse_properties("\nkernel_args=console=ttyS0 quiet\n\n") == {"kernel_args": "console=ttyS0 quiet"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name=x", "'name' is an image field"),
        ("os_glance_stores=x", "reserved"),
        ("=x", "write key=value"),
        ("a=1\na=2", "'a' is given twice"),
    ],
)
def test_bad_property_lines(text: str, message: str) -> None:
    with pytest.raises(FieldError, match=message):
        parse_properties(text)


def test_counts_lists_and_choices() -> None:
    assert parse_count("", "min disk") == 0
    assert parse_count(" 20 ", "min disk") == 20
    for bad in ("-1", "1.5", "ten", str(2**31)):
        with pytest.raises(FieldError, match="min disk must be a whole number"):
            parse_count(bad, "min disk")
    assert parse_list(" a, b,,a , c ") == ["a", "b", "c"]
    assert parse_choices("raw, qcow2", ("raw", "qcow2", "iso"), "disk format") == ("raw", "qcow2")
    with pytest.raises(FieldError, match="disk format: qcow3 not known"):
        parse_choices("qcow3", ("raw",), "disk format")
