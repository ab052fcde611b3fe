"""The projection's event handlers and the rebuild against the fakes: journal, projection, idempotence, rebuild."""
from services.reporting.domain.periods import parse_period
from services.reporting.service_layer import indicators, projector
from services.reporting.service_layer.commands import RebuildProjections
from services.reporting.service_layer.rebuild import rebuild
from shared.contracts import REGISTRY
from shared.messaging.outbox import Causation
from shared.service_layer.messagebus import system_principal

from ...integration.reporting.stream import Stream
from .fakes import fake_uow

SYSTEM = system_principal("reporting")
CAUSE = Causation("corr-1")
PROGRAMME = {"name": "P", "start_date": "2026-01-01", "end_date": "2027-12-31", "eu_share": "85",
             "national_share": "15", "targets": {"OI.1": 10}}


def small_history(stream: Stream) -> tuple[list, dict]:
    chamber, registered = stream.organisation("Keşan TSO", "chamber", "Edirne")
    firm, firm_registered = stream.organisation("Ergene Tekstil", "company", "Tekirdağ", "small")
    ws, scheduled = stream.schedule("workshop", "2026-07-08T09:30:00+03:00", chamber, province="Edirne")
    events = [registered, stream.membership(chamber, at="2026-02-03T10:00:00+03:00"), firm_registered,
              stream.membership(firm, at="2026-03-10T10:00:00+03:00"), scheduled,
              stream.attend(ws, stream.ref(firm), "female"), stream.attend(ws, stream.outside("Trakya Cam"), "male"),
              stream.held(ws)]
    return events, {"chamber": chamber, "firm": firm, "ws": ws}


def feed(uow, *events):
    projector.project_batch(uow, list(events), SYSTEM, CAUSE)


def values(uow, period="2026-Q3") -> dict:
    computed = indicators.compute(uow, parse_period(period))
    return {i["code"]: (i["value"], i["cumulative"]) for i in computed["indicators"]}


def test_a_batch_is_journalled_and_projected():
    uow = fake_uow(PROGRAMME)
    events, ids = small_history(Stream())
    feed(uow, *events[:4])
    feed(uow, *events[4:])
    assert uow.projections.state()["seq"] == len(events)
    journalled, last, entries = uow.journal.after(0, 10)
    assert [e.id for e in journalled] == [e.id for e in events] and (last, entries) == (len(events), 2)
    assert all(e.data.get("person_id") is None for e in journalled)
    figures = values(uow)
    assert figures["OI.1"] == (2, 2)            # both members active at the end of Q3
    assert figures["OI.4"] == (2, 2)            # two attendances
    assert uow.projections.active().meeting_known(ids["ws"])
    assert uow.events == []                     # projections announce nothing


def test_project_one_is_a_batch_of_one_and_the_bus_table_names_every_consumed_type():
    from services.reporting.bootstrap import EVENTS
    uow = fake_uow(PROGRAMME)
    events, _ = small_history(Stream())
    for event in events:
        projector.project_one(uow, event, SYSTEM, CAUSE)
    assert uow.projections.state()["seq"] == len(events) and len(uow.journal.docs) == len(events)
    assert values(uow)["OI.4"] == (2, 2)
    assert {e.type for e in events} <= set(EVENTS) and all(REGISTRY.spec(t) for t in EVENTS)


def test_events_again_with_new_ids_change_nothing():
    uow = fake_uow(PROGRAMME)
    events, _ = small_history(Stream())
    feed(uow, *events)
    expected = values(uow)
    again = [REGISTRY.build(e.type, e.aggregate_id, e.aggregateversion, e.data, "replay") for e in events]
    feed(uow, *again)
    assert values(uow) == expected


def test_while_a_rebuild_runs_events_are_journalled_only():
    uow = fake_uow(PROGRAMME, state={"rebuilding": True})
    events, _ = small_history(Stream())
    feed(uow, *events)
    assert uow.projections.state()["seq"] == len(events)
    assert values(uow)["OI.4"] == (0, 0)


def test_rebuild_gives_the_same_figures_in_a_new_generation_with_numeric_progress():
    uow = fake_uow(PROGRAMME)
    stream = Stream()
    events, _ = small_history(stream)
    for event in events:  # eight journal entries: two chunks of 3 replayed, the last 2 in the final transaction
        feed(uow, event)
    expected = values(uow)
    progress, said = [], []
    result = rebuild(uow, RebuildProjections(progress=lambda done, total: progress.append((done, total)),
                                             say=said.append, chunk=3), SYSTEM, CAUSE)
    assert result["events"] == len(events) and result["generation"] == 1
    assert uow.projections.active().number == 1 and uow.projections.state()["rebuilding"] is False
    assert values(uow) == expected
    assert "generation:0" not in uow.projections.docs        # the old generation is dropped
    assert progress[0] == (0, len(events)) and progress[-1] == (len(events), len(events))
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)
    assert said[-1].startswith("rebuilt:")
    assert rebuild(uow, RebuildProjections(), SYSTEM, CAUSE)["generation"] == 2 and values(uow) == expected
