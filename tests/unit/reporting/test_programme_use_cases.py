"""The programme settings use case against the fakes: defaults, the stored settings, the refusals, If-Match."""
from datetime import date
from decimal import Decimal

import pytest

from services.reporting.service_layer import programme
from services.reporting.service_layer.commands import UpdateProgramme
from shared.auth import Principal
from shared.concurrency import Precondition
from shared.errors import PreconditionFailed, Unprocessable
from shared.messaging.outbox import Causation, ConcurrencyConflict
from shared.service_layer.messagebus import MessageBus

from .fakes import fake_uow

ADMIN = Principal("admin-1", "platform_admin")
CAUSE = Causation("corr-1")


def _command(**changes) -> UpdateProgramme:
    fields = dict(name="Thrace's Efficient SMEs", start_date=date(2026, 1, 1), end_date=date(2027, 12, 31),
                  eu_share=Decimal("85"), national_share=Decimal("15"), targets={"OI.1": Decimal("10"),
                                                                                  "FI.1": Decimal("250000.50")})
    return UpdateProgramme(**{**fields, **changes})


def test_defaults_until_first_set():
    shown = programme.get(fake_uow())
    assert shown["configured"] is False and shown["version"] == 0 and shown["eu_share"] == "85"


def test_update_stores_the_settings_and_announces_nothing():
    uow = fake_uow()
    shown = programme.update(uow, _command(), ADMIN, CAUSE)
    assert shown["configured"] is True and shown["version"] == 1 and shown["updated_by"] == "admin-1"
    assert shown["name_tr"] == "Thrace's Efficient SMEs"   # defaults to the name
    assert shown["targets"] == {"OI.1": 10, "FI.1": 250000.5}
    assert programme.get(uow)["start_date"] == "2026-01-01"
    assert uow.events == []
    assert programme.update(uow, _command(name="Second"), ADMIN, CAUSE)["version"] == 2


@pytest.mark.parametrize("changes, field", [
    ({"eu_share": Decimal("80")}, "national_share"),
    ({"end_date": date(2025, 12, 31)}, "end_date"),
    ({"targets": {"OI.9": Decimal("1")}}, "targets"),
])
def test_refusals_are_422(changes, field):
    uow = fake_uow()
    with pytest.raises(Unprocessable) as refused:
        programme.update(uow, _command(**changes), ADMIN, CAUSE)
    assert list(refused.value.errors) == [field], refused.value.errors
    assert uow.programme.docs == {}


def test_a_stale_if_match_is_412_and_a_current_one_passes():
    uow = fake_uow({"name": "x", "start_date": "2026-01-01", "end_date": "2027-01-01", "eu_share": "85",
                    "national_share": "15", "targets": {}})
    with pytest.raises(PreconditionFailed):
        programme.update(uow, _command(precondition=Precondition(versions=frozenset({7}))), ADMIN, CAUSE)
    assert programme.update(uow, _command(precondition=Precondition(versions=frozenset({1}))), ADMIN,
                            CAUSE)["version"] == 2


def test_a_lost_race_reruns_without_if_match_and_is_412_with_it():
    uow = fake_uow()
    writes = []
    replace = uow.programme.replace

    def racing_replace(document, expected_version):
        writes.append(expected_version)
        if len(writes) == 1:  # someone else stored version 1 between our read and our write
            replace({**document, "name": "theirs"}, expected_version)
            raise ConcurrencyConflict("moved on")
        replace(document, expected_version)

    uow.programme.replace = racing_replace
    bus = MessageBus("reporting", lambda session=None: uow, {UpdateProgramme: programme.update}, {})
    assert bus.handle(_command(), ADMIN, CAUSE)["version"] == 2 and writes == [0, 1]
    writes.clear()
    with pytest.raises(PreconditionFailed):
        bus.handle(_command(precondition=Precondition(versions=frozenset({2}))), ADMIN, CAUSE)
