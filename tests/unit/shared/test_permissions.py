"""The one way every service refuses (403), and the chamber-admin predicate the services share."""
import pytest

from services.events.domain import permissions as events
from services.reporting.domain import permissions as reporting
from shared.auth import Principal
from shared.errors import Forbidden
from shared.permissions import acts_for, require

ADMIN = Principal("a", "platform_admin")
CHAMBER = Principal("c", "chamber_admin", "org-1")
ORPHAN = Principal("x", "chamber_admin", None)
OFFICER = Principal("o", "programme_officer")
AUDITOR = Principal("u", "auditor")


def test_require_refuses_with_403_and_the_message():
    require(True, "fine")
    with pytest.raises(Forbidden) as raised:
        require(False, "no")
    assert raised.value.status == 403 and raised.value.message == "no"


def test_acts_for_only_its_own_organisation():
    assert acts_for(CHAMBER, "org-1") and not acts_for(CHAMBER, "org-2")
    assert not acts_for(ORPHAN, None) and not acts_for(ADMIN, "org-1")


def test_events_predicates():
    meeting = {"host_organisation_id": "org-1"}
    assert events.can_manage_meeting(ADMIN, meeting) and events.can_manage_meeting(CHAMBER, meeting)
    assert not events.can_manage_meeting(CHAMBER, {"host_organisation_id": "org-2"})
    assert not events.can_schedule_meetings(OFFICER) and events.can_schedule_meetings(CHAMBER)
    assert not events.can_schedule_for_body(CHAMBER, "board") and events.can_schedule_for_body(ADMIN, "board")
    assert events.can_host_from(CHAMBER, "org-1") and not events.can_host_from(CHAMBER, "org-2")
    assert events.can_record_past_meetings(ADMIN) and not events.can_record_past_meetings(CHAMBER)
    other = {"host_organisation_id": "org-2"}
    assert events.can_register_for(CHAMBER, other, "org-1") and not events.can_register_for(CHAMBER, other, "org-3")
    registration = {"organisation": {"id": "org-3"}}
    assert events.can_see_registration(AUDITOR, other, registration)
    assert not events.can_see_registration(CHAMBER, other, registration)
    assert events.can_see_registration(CHAMBER, meeting, registration)


def test_reporting_predicates():
    assert reporting.can_write_reports(OFFICER) and not reporting.can_write_reports(AUDITOR)
    assert reporting.can_read(AUDITOR) and not reporting.can_read(CHAMBER)
    assert reporting.can_configure_programme(ADMIN) and not reporting.can_configure_programme(OFFICER)
