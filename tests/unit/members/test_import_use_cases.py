"""Planning and committing an import against in-memory repositories: duplicates of the platform and of earlier
rows, and each new row registered through the ordinary command (one organisation.registered event each)."""
from services.members.service_layer import imports, organisations
from services.members.service_layer.commands import GetImportPlan, ImportRow, RegisterOrganisation
from shared.contracts import members as contract

from .fakes import ADMIN, fake_uow, run

KESAN = {"name": "Keşan TSO", "kind": "chamber", "province": "Edirne", "tax_number": "1234567890"}


def rows(*details) -> GetImportPlan:
    return GetImportPlan([ImportRow(number, d) for number, d in enumerate(details, 2)])


def test_the_plan_splits_new_rows_from_duplicates_of_the_platform_and_of_earlier_rows():
    uow = fake_uow()
    registered, _ = run(uow, organisations.register_organisation, RegisterOrganisation(KESAN))
    plan = imports.plan_import(uow, rows(
        {"name": "Other", "kind": "ngo", "province": "Edirne", "tax_number": "1234567890"},
        {"name": "KEŞAN T.S.O.", "kind": "chamber", "province": "Edirne"},
        {"name": "Keşan TSO", "kind": "chamber", "province": "Tekirdağ"},
        {"name": "keşan tso", "kind": "chamber", "province": "Tekirdağ"}), ADMIN)
    assert [row.row for row in plan.new] == [4]
    assert [(d.row, d.field) for d in plan.duplicates] == [(2, "tax_number"), (3, "name"), (5, "name")]
    assert registered["_id"] in plan.duplicates[0].message and "row 4" in plan.duplicates[2].message


def test_the_commit_registers_each_new_row_and_a_tax_number_taken_meanwhile_is_a_duplicate():
    uow = fake_uow()
    plan = imports.plan_import(uow, rows(KESAN, {"name": "Enez Dernek", "kind": "ngo", "province": "Edirne"}), ADMIN)
    run(uow, organisations.register_organisation, RegisterOrganisation(KESAN))  # another request, meanwhile
    before = len(uow.events)
    created = imports.commit_import(plan, lambda command: run(uow, organisations.register_organisation, command)[0],
                                    parallel=1)
    assert [c["row"] for c in created] == [3] and [row.row for row in plan.new] == [3]
    assert [(d.row, d.field) for d in plan.duplicates] == [(2, "tax_number")]
    assert [e.type for e in uow.events[before:]] == [contract.ORGANISATION_REGISTERED]
    report = imports.ImportReport(2, [], 0, plan, created=created).as_dict()
    assert (report["valid"], report["duplicates"], report["created"], report["skipped"]) == (1, 1, 1, 1)
