"""Several workers per service (`tvp up --workers N`): each its own name, log file, slot and session-ledger owner."""
from infra.cli.commands.logs import log_files
from infra.embedded import worker_process
from shared.session_ledger import worker_owner


def test_the_first_worker_keeps_its_names_and_the_others_are_numbered(tmp_path):
    first, third = worker_process("members", {}, tmp_path, 1), worker_process("members", {}, tmp_path, 3)
    assert (first.name, first.log_file.name, first.env["TVP_WORKER_SLOT"]) == (
        "members worker", "members-worker.log", "1")
    assert (third.name, third.log_file.name, third.env["TVP_WORKER_SLOT"]) == (
        "members worker 3", "members-worker-3.log", "3")


def test_sibling_workers_have_their_own_session_ledger_owner():
    owners = {worker_owner("members", slot) for slot in (1, 2, 3)}
    assert len(owners) == 3
    assert worker_owner("members").startswith("members-worker@"), "slot 1 keeps the owner of one worker per host"


def test_tvp_logs_of_a_service_include_every_worker(tmp_path):
    for name in ("members-web.log", "members-worker.log", "members-worker-2.log", "events-worker-2.log"):
        (tmp_path / name).write_text("")
    assert [p.name for p in log_files(tmp_path, "members")] == [
        "members-web.log", "members-worker.log", "members-worker-2.log"]
