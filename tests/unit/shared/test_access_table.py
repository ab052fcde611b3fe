"""The access tables (issue 16, item 2): their mechanism, their rows, and docs/access.md rendered from them."""
import pytest

from infra import access_docs
from services.events.domain.permissions import ACCESS as EVENTS
from services.members.domain.permissions import ACCESS as MEMBERS
from services.reporting.domain.permissions import ACCESS as REPORTING
from shared.access import allow, check_covers, openapi_path, predicted_status, public, render_markdown, row
from shared.auth import ROLES


def test_flask_rules_read_as_openapi_paths():
    assert openapi_path("/api/v1/people/<person_id>") == "/api/v1/people/{person_id}"
    assert openapi_path("/api/v1/x/<int:n>/y/<path:rest>") == "/api/v1/x/{n}/y/{rest}"
    table = {("GET", "/api/v1/people/{person_id}"): allow("auditor")}
    assert row(table, "get", "/api/v1/people/<person_id>") is table[("GET", "/api/v1/people/{person_id}")]
    assert row(table, "PATCH", "/api/v1/people/<person_id>") is None


def test_platform_admins_are_always_admitted_and_unknown_roles_are_refused():
    assert allow().roles == {"platform_admin"}
    assert allow("auditor").admits("platform_admin") and not allow("auditor").admits("chamber_admin")
    with pytest.raises(ValueError):
        allow("king")
    with pytest.raises(ValueError):
        allow("auditor", own=True)  # own restricts chamber admins, which this row does not admit


def test_the_predicted_status_follows_role_and_organisation():
    own_rule = allow("chamber_admin", "auditor", own=True)
    assert predicted_status(own_rule, None, True) == "401"
    assert predicted_status(own_rule, "programme_officer", True) == "403"
    assert predicted_status(own_rule, "chamber_admin", True) == "allowed"
    assert predicted_status(own_rule, "chamber_admin", False) == "403"
    assert predicted_status(own_rule, "auditor", False) == "allowed"  # `own` restricts chamber admins only
    assert predicted_status(public(), None, False) == "allowed"


def test_a_table_must_cover_exactly_the_routes():
    table = {("GET", "/a"): allow("auditor")}
    check_covers("svc", table, [("GET", "/a")])
    with pytest.raises(RuntimeError, match=r"routes without a row \[\('POST', '/a'\)\]"):
        check_covers("svc", table, [("GET", "/a"), ("POST", "/a")])
    with pytest.raises(RuntimeError, match=r"rows without a route \[\('GET', '/a'\)\]"):
        check_covers("svc", table, [])


@pytest.mark.parametrize("table", [MEMBERS, EVENTS, REPORTING], ids=["members", "events", "reporting"])
def test_every_row_admits_platform_admins_and_names_known_roles(table):
    for access in table.values():
        assert "platform_admin" in access.roles and access.roles <= set(ROLES)


def test_the_contract_rules_are_in_the_tables():
    # Writes on people and registrations: chamber admins for their own organisation only; officers never.
    for key in [("POST", "/api/v1/people"), ("PATCH", "/api/v1/people/{person_id}"),
                ("DELETE", "/api/v1/people/{person_id}")]:
        assert MEMBERS[key].own and not MEMBERS[key].admits("programme_officer")
    assert EVENTS[("POST", "/api/v1/meetings/{meeting_id}/registrations")].own
    assert not REPORTING[("GET", "/api/v1/expenditures")].admits("chamber_admin")
    # No token anywhere but the public calendar feed (contract v2, "Calendars"): it shows only the public view.
    public_rows = {(name, key) for name, table in (("members", MEMBERS), ("events", EVENTS), ("reporting", REPORTING))
                   for key, access in table.items() if access.public}
    assert public_rows == {("events", ("GET", "/api/v1/public/calendar.ics"))}


def test_the_rendered_table_names_every_row():
    text = render_markdown({"members": MEMBERS})
    assert all(f"| {method} | `{path}` |" in text for method, path in MEMBERS)
    assert "chamber_admin (own organisation)" in text


def test_docs_access_md_is_current():
    current = access_docs.DOC.read_text(encoding="utf-8")
    assert access_docs.rendered(current) == current, "docs/access.md is stale: run `python -m infra.access_docs`"
