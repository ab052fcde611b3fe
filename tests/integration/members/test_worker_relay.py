"""The members worker's relay scrubs the logged events of people erased while they were being published."""
import pytest

from services.members.adapters.documents import AGGREGATE_COLLECTIONS
from services.members.worker import SPEC
from shared.contracts import REGISTRY
from shared.messaging.relay import OutboxRelay

pytestmark = pytest.mark.integration


def _relay(api) -> OutboxRelay:
    """The relay as the members worker builds it."""
    return OutboxRelay(api.db, AGGREGATE_COLLECTIONS, REGISTRY, producer_factory=lambda: None,
                       after_publish=SPEC.after_publish)


def test_a_person_erased_during_publication_leaves_no_personal_data_in_the_event_log(api):
    person = api.person(api.organisation()["id"], full_name="Deniz Ak", phone="+90 284 123 45 67")
    # The relay read the outbox (personal data included) ...
    batch = [("people", person["id"], api.db.people.find_one({"_id": person["id"]})["outbox"])]
    # ... the erasure committed meanwhile (nothing logged yet, so it had nothing to scrub) ...
    assert api.delete(f"/api/v1/people/{person['id']}").status_code == 204
    # ... and then the relay, having been acknowledged by the broker, logs what it published.
    _relay(api)._record_published(batch)
    [logged] = list(api.db.event_log.find({"key": person["id"]}))
    assert logged["event"]["type"] == "tr.tvp.members.person.registered.v1"
    data = logged["event"]["data"]
    assert (data["full_name"], data["email"], data["phone"]) == (None, None, None)
    assert data["organisation_id"] and REGISTRY.validate(logged["event"])  # still a valid event for replays


def test_people_not_erased_keep_their_logged_events(api):
    person = api.person(api.organisation()["id"], full_name="Deniz Ak")
    batch = [("people", person["id"], api.db.people.find_one({"_id": person["id"]})["outbox"])]
    _relay(api)._record_published(batch)
    assert api.db.event_log.find_one({"key": person["id"]})["event"]["data"]["full_name"] == "Deniz Ak"
