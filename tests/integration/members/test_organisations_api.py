"""Organisations through the HTTP API against the real embedded MongoDB."""
import pytest

from .conftest import new_vkn

pytestmark = pytest.mark.integration

ORGS = "/api/v1/organisations"


def test_create_folds_the_province_and_derives_region_status_and_version(api):
    response = api.post(ORGS, {"name": "Kırklareli TSO", "kind": "chamber", "province": "KIRKLARELİ",
                               "tax_number": new_vkn(), "nace_code": "S94.11", "email": "info@kirklarelitso.org.tr",
                               "website": "https://www.kirklarelitso.org.tr"})
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["province"], body["region"], body["status"], body["version"]) == ("Kırklareli", "TR21", "applicant", 1)
    assert response.headers["ETag"] == '"1"'
    assert api.get(f"{ORGS}/{body['id']}").json == body
    other = api.post(ORGS, {"name": "İTO", "kind": "chamber", "province": "istanbul"}).json
    assert (other["province"], other["region"]) == ("İstanbul", "TR10")


@pytest.mark.parametrize("spelling", ["kirklareli", "KIRKLARELİ", "Kırklareli", "  kırklareli "])
def test_province_spellings_are_one_province(api, spelling):
    assert api.post(ORGS, {"name": "X Ltd", "kind": "company", "size_class": "small",
                           "province": spelling}).json["province"] == "Kırklareli"


def test_companies_need_a_size_class_and_smes_are_derived(api):
    missing = api.post(ORGS, {"name": "Trakya Metal", "kind": "company", "province": "Edirne"})
    assert missing.status_code == 422 and "size_class" in missing.json["errors"]
    small = api.post(ORGS, {"name": "Trakya Metal", "kind": "company", "province": "Edirne", "size_class": "small"})
    large = api.post(ORGS, {"name": "Trakya Çelik", "kind": "company", "province": "Edirne", "size_class": "large"})
    assert small.json["is_sme"] is True and large.json["is_sme"] is False


@pytest.mark.parametrize("field, value", [
    ("tax_number", "1234567891"),       # wrong check digit
    ("tax_number", "12345"),            # too short
    ("tax_number", "١٢٣٤٥٦٧٨٩٠"),      # not ASCII digits
    ("kind", "club"),
    ("province", "Atlantis"),
    ("nace_code", "25-62"),
    ("email", "not-an-address"),
    ("website", "ftp://example.com"),
    ("employees", "12"),
    ("employees", -1),
    ("name", ""),
    ("name", "A\x00B"),
    ("unknown_field", 1),
])
def test_bad_input_is_422_with_the_field_named_and_nothing_stored(api, field, value):
    body = {"name": "Keşan TSO", "kind": "chamber", "province": "Edirne", field: value}
    response = api.post(ORGS, body)
    assert response.status_code == 422, response.json
    assert response.json["code"] == 422 and field in response.json["errors"]
    assert api.db.organisations.count_documents({}) == 0


def test_bodies_that_are_not_json_objects_are_422(api):
    broken = api.client.post(ORGS, data="{not json", content_type="application/json", headers=api.token())
    assert broken.status_code == 422 and broken.json["status"] == "Unprocessable Entity"
    for body in ([1, 2], "text", 3, None):
        assert api.post(ORGS, body).status_code == 422


def test_tax_numbers_are_unique(api):
    vkn = new_vkn()
    api.organisation(tax_number=vkn)
    again = api.post(ORGS, {"name": "Copy", "kind": "ngo", "province": "Edirne", "tax_number": vkn})
    assert again.status_code == 409 and "tax_number" in again.json["errors"]


def test_unknown_id_is_404_in_the_error_format(api):
    response = api.get(f"{ORGS}/nope")
    assert response.status_code == 404
    assert response.json["code"] == 404 and response.json["status"] == "Not Found" and response.json["message"]


def test_list_filters_searches_without_diacritics_and_paginates(api):
    kesan = api.organisation(name="Keşan TSO", province="Edirne")
    api.organisation(name="Çerkezköy TSO", province="Tekirdağ")
    api.organisation(name="Trakya Kalkınma Ajansı", kind="development_agency", province="Tekirdağ")
    found = api.get(ORGS, query_string={"q": "kesan"}).json
    assert [o["id"] for o in found["items"]] == [kesan["id"]] and found["total"] == 1
    assert api.get(ORGS, query_string={"q": "CERKEZKOY"}).json["total"] == 1
    assert api.get(ORGS, query_string={"province": "tekirdag"}).json["total"] == 2
    assert api.get(ORGS, query_string={"kind": "development_agency"}).json["total"] == 1
    assert api.get(ORGS, query_string={"status": "active"}).json["total"] == 0
    page = api.get(ORGS, query_string={"page": 2, "page_size": 2}).json
    assert (page["total"], page["page"], page["page_size"], len(page["items"])) == (3, 2, 2, 1)
    assert api.get(ORGS, query_string={"page_size": 101}).status_code == 422
    assert api.get(ORGS, query_string={"q": ".*("}).json["total"] == 0  # regex characters are literal


def test_patch_honours_if_match_and_announces_what_changed(api):
    org = api.organisation()
    path = f"{ORGS}/{org['id']}"
    etag = api.get(path).headers["ETag"]
    changed = api.patch(path, {"employees": 42, "district": "Süleymanpaşa"}, headers={"If-Match": etag})
    assert changed.status_code == 200 and changed.json["version"] == 2 and changed.headers["ETag"] == '"2"'
    stale = api.patch(path, {"employees": 7}, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.json["code"] == 412
    assert api.get(path).json["employees"] == 42
    [_, updated] = api.events("organisations", org["id"])
    assert updated["type"] == "tr.tvp.members.organisation.updated.v1" and updated["aggregateversion"] == 2
    assert sorted(updated["data"]["changed"]) == ["district", "employees"]
    assert updated["data"]["employees"] == 42 and updated["data"]["status"] == "applicant"


def test_patch_without_if_match_null_clears_and_a_no_op_changes_nothing(api):
    org = api.organisation(short_name="TTSO")
    path = f"{ORGS}/{org['id']}"
    cleared = api.patch(path, {"short_name": None})
    assert cleared.status_code == 200 and cleared.json["short_name"] is None and cleared.json["version"] == 2
    same = api.patch(path, {"name": org["name"]})
    assert same.status_code == 200 and same.json["version"] == 2
    assert api.patch(path, {}).json["version"] == 2
    assert len(api.events("organisations", org["id"])) == 2


def test_patch_rules(api):
    company = api.organisation(name="Edirne Gıda", kind="company", size_class="micro", province="Edirne")
    path = f"{ORGS}/{company['id']}"
    assert api.patch(path, {"size_class": None}).status_code == 422
    assert api.patch(path, {"name": None}).status_code == 422
    assert api.patch(path, {"status": "active"}).status_code == 422  # status changes through membership only
    grown = api.patch(path, {"size_class": "large", "province": "ISTANBUL"}).json
    assert (grown["is_sme"], grown["province"], grown["region"]) == (False, "İstanbul", "TR10")
    vkn = new_vkn()
    api.organisation(tax_number=vkn)
    assert api.patch(path, {"tax_number": vkn}).status_code == 409
    assert api.patch(f"{ORGS}/unknown", {"name": "Xyz"}).status_code == 404


def test_membership_lifecycle_with_history(api):
    org = api.organisation()
    oid = org["id"]
    assert api.membership(oid, "suspend").status_code == 409  # applicant cannot be suspended
    assert api.membership(oid, "reinstate").status_code == 409
    steps = [("approve", "active"), ("suspend", "suspended"), ("reinstate", "active"), ("withdraw", "withdrawn")]
    for action, status in steps:
        response = api.membership(oid, action, reason=f"board decision on {action}")
        assert response.status_code == 200 and response.json["status"] == status
    for action in ("approve", "suspend", "reinstate", "withdraw"):
        assert api.membership(oid, action).status_code == 409  # withdrawn is final
    assert api.patch(f"{ORGS}/{oid}", {"employees": 3}).status_code == 409
    history = api.get(f"{ORGS}/{oid}/membership").json
    assert history["status"] == "withdrawn"
    assert [(h["action"], h["previous_status"], h["status"]) for h in history["history"]] == [
        ("apply", None, "applicant"), ("approve", "applicant", "active"), ("suspend", "active", "suspended"),
        ("reinstate", "suspended", "active"), ("withdraw", "active", "withdrawn")]
    assert all(h["actor"] and h["at"] for h in history["history"])
    assert history["history"][2]["reason"] == "board decision on suspend"
    events = api.events("organisations", oid)
    assert [e["aggregateversion"] for e in events] == [1, 2, 3, 4, 5]
    changed = events[2]["data"]
    assert changed["action"] == "suspend" and changed["previous_status"] == "active"
    assert {k: changed[k] for k in ("name", "kind", "province", "size_class", "is_sme", "status")} == {
        "name": org["name"], "kind": "chamber", "province": "Tekirdağ", "size_class": None, "is_sme": False,
        "status": "suspended"}


def test_membership_input_and_preconditions(api):
    org = api.organisation()
    path = f"{ORGS}/{org['id']}/membership"
    assert api.post(path, {"action": "promote"}).status_code == 422
    assert api.post(path, {"action": "approve", "extra": 1}).status_code == 422
    assert api.post(path, {}).status_code == 422
    assert api.post(path, {"action": "approve"}, headers={"If-Match": '"7"'}).status_code == 412
    assert api.post(path, {"action": "approve"}, headers={"If-Match": '"1"'}).json["version"] == 2
    assert api.post(f"{ORGS}/missing/membership", {"action": "approve"}).status_code == 404
    assert api.get(f"{ORGS}/missing/membership").status_code == 404


def test_correlation_id_travels_into_the_event(api):
    response = api.post(ORGS, {"name": "Keşan TSO", "kind": "chamber", "province": "Edirne"},
                        headers={"X-Correlation-Id": "corr-42"})
    assert response.headers["X-Correlation-Id"] == "corr-42"
    [event] = api.events("organisations", response.json["id"])
    assert event["correlationid"] == "corr-42" and event["subject"] == f"organisation/{response.json['id']}"
