import pytest

from services.members.domain import permissions as p
from shared.auth import Principal

ADMIN = Principal("a", "platform_admin")
OWN = Principal("c", "chamber_admin", "org-1")
OFFICER = Principal("o", "programme_officer")
AUDITOR = Principal("u", "auditor")


def test_platform_admin_does_everything():
    assert p.can_register_organisation(ADMIN) and p.can_edit_organisation(ADMIN, "x")
    assert all(p.can_change_membership(ADMIN, "x", a) for a in ("approve", "suspend", "reinstate", "withdraw"))
    assert p.can_manage_people_of(ADMIN, "x") and p.can_read_person(ADMIN, "x") and p.can_read_consents(ADMIN, "x")
    assert p.can_manage_governance(ADMIN)


def test_chamber_admin_own_organisation_only():
    assert p.can_edit_organisation(OWN, "org-1") and not p.can_edit_organisation(OWN, "org-2")
    assert p.can_manage_people_of(OWN, "org-1") and not p.can_manage_people_of(OWN, "org-2")
    assert p.can_read_person(OWN, "org-1") and not p.can_read_person(OWN, "org-2")
    assert p.can_read_consents(OWN, "org-1") and not p.can_read_consents(OWN, "org-2")


@pytest.mark.parametrize("action", ["approve", "suspend", "reinstate"])
def test_chamber_admin_decides_no_membership(action):
    assert not p.can_change_membership(OWN, "org-1", action)


def test_chamber_admin_may_withdraw_its_own_organisation_only():
    assert p.can_change_membership(OWN, "org-1", "withdraw")
    assert not p.can_change_membership(OWN, "org-2", "withdraw")


def test_chamber_admin_seats_nobody():
    assert not p.can_manage_governance(OWN)


@pytest.mark.parametrize("reader", [OFFICER, AUDITOR])
def test_officers_and_auditors_read_but_not_consents(reader):
    assert p.can_read_person(reader, "org-1") and not p.can_read_consents(reader, "org-1")
    assert not p.can_edit_organisation(reader, "org-1") and not p.can_manage_people_of(reader, "org-1")
    assert not p.can_register_organisation(reader) and not p.can_manage_governance(reader)
    assert not p.can_change_membership(reader, "org-1", "withdraw")


def test_a_chamber_admin_token_without_organisation_owns_nothing():
    orphan = Principal("c", "chamber_admin", None)
    assert not p.can_edit_organisation(orphan, None) and not p.can_manage_people_of(orphan, None)
