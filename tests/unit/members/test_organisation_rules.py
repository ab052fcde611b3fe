import pytest

from services.members.domain.organisation import (
    TRANSITIONS,
    apply_changes,
    check_size_class,
    derived_fields,
    is_sme,
    next_status,
)
from shared.errors import Conflict, Unprocessable

STATUSES = ["applicant", "active", "suspended", "withdrawn"]
ALLOWED = {("applicant", "approve"): "active", ("active", "suspend"): "suspended",
           ("suspended", "reinstate"): "active", ("applicant", "withdraw"): "withdrawn",
           ("active", "withdraw"): "withdrawn", ("suspended", "withdraw"): "withdrawn"}


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("action", list(TRANSITIONS))
def test_transitions(status, action):
    if (status, action) in ALLOWED:
        assert next_status(status, action) == ALLOWED[(status, action)]
    else:
        with pytest.raises(Conflict):
            next_status(status, action)


def test_unknown_action_is_unprocessable():
    with pytest.raises(Unprocessable):
        next_status("active", "promote")


@pytest.mark.parametrize("kind, size, sme", [("company", "micro", True), ("company", "small", True),
                                             ("company", "medium", True), ("company", "large", False),
                                             ("chamber", "small", False), ("ngo", None, False)])
def test_sme(kind, size, sme):
    assert is_sme(kind, size) is sme
    assert derived_fields(kind, "Edirne", size) == {"region": "TR21", "is_sme": sme}


def test_companies_need_a_size_class():
    with pytest.raises(Unprocessable) as raised:
        check_size_class("company", None)
    assert "size_class" in raised.value.errors
    check_size_class("chamber", None)


CURRENT = {"name": "Trakya Metal", "kind": "company", "province": "Edirne", "size_class": "small",
           "short_name": "TM", "status": "active"}


def test_apply_changes_sets_clears_and_rederives():
    to_set, to_unset, changed = apply_changes(CURRENT, {"size_class": "large", "short_name": None,
                                                        "name": "Trakya Metal"})
    assert sorted(changed) == ["short_name", "size_class"] and to_unset == ["short_name"]
    assert to_set["size_class"] == "large" and to_set["is_sme"] is False and to_set["region"] == "TR21"
    assert to_set["name_folded"] == "trakya metal"


def test_apply_changes_without_change():
    assert apply_changes(CURRENT, {"name": "Trakya Metal"}) == ({}, [], [])


@pytest.mark.parametrize("changes", [{"size_class": None}, {"name": None}, {"kind": None}])
def test_apply_changes_rejects_broken_results(changes):
    with pytest.raises(Unprocessable):
        apply_changes(CURRENT, changes)


def test_withdrawn_organisations_are_final():
    with pytest.raises(Conflict):
        apply_changes({**CURRENT, "status": "withdrawn"}, {"name": "New"})
