"""apply_if_newer against the real server: newer versions win, old and repeated ones change nothing."""
import pytest
from pymongo import MongoClient

from shared.contracts import REGISTRY
from shared.messaging.projection import apply_if_newer, newer_wins_op

pytestmark = pytest.mark.integration


def _event(version, status):
    return REGISTRY.build("tr.tvp.members.organisation.updated.v1", "org-1", version,
                          {"id": "org-1", "name": "Keşan TSO", "kind": "chamber", "province": "Edirne",
                           "region": "TR21", "is_sme": False, "status": status, "changed": ["status"]}, "c")


def test_newer_versions_win_and_old_ones_change_nothing(servers, run_id):
    client = MongoClient(servers.mongo_uri)
    view = client[f"t{run_id}_view"].organisations
    try:
        assert apply_if_newer(view, _event(1, "applicant"), {"status": "applicant"}) is True
        assert apply_if_newer(view, _event(3, "suspended"), {"status": "suspended"}) is True
        assert apply_if_newer(view, _event(2, "active"), {"status": "active"}) is False
        assert apply_if_newer(view, _event(3, "suspended"), {"status": "suspended"}) is False
        stored = view.find_one({"_id": "org-1"})
        assert (stored["status"], stored["version"]) == ("suspended", 3)
        view.bulk_write([newer_wins_op(_event(4, "active"), {"status": "active"}),
                         newer_wins_op(_event(2, "applicant"), {"status": "applicant"})])
        assert view.find_one({"_id": "org-1"})["status"] == "active"
    finally:
        client.close()
