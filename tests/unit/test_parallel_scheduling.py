"""How the suite is shared among pytest-xdist's workers (tests/support/parallel.py): a file, or an xdist_group,
is one unit of work; end-to-end files go out first, unit files last."""
from __future__ import annotations

from tests.support.parallel import scope_of, tier_of


def test_a_file_is_one_unit_of_work():
    assert scope_of("tests/e2e/test_members_e2e.py::test_create") == "tests/e2e/test_members_e2e.py"
    assert scope_of("tests/unit/test_x.py::TestY::test_z[a-b]") == "tests/unit/test_x.py"


def test_an_xdist_group_is_one_unit_across_files():
    assert scope_of("tests/e2e/test_a.py::test_one@console") == scope_of("tests/e2e/test_b.py::test_two@console")
    assert scope_of("tests/e2e/test_a.py::test_one@console") != scope_of("tests/e2e/test_a.py::test_one")


def test_an_at_sign_inside_a_parameter_id_is_no_group():
    assert scope_of("tests/unit/test_x.py::test_mail[ayse@kesantso.org.tr]") == "tests/unit/test_x.py"
    assert scope_of("tests/unit/test_x.py::test_mail[a@b.c]@mail") == "group:mail"


def test_end_to_end_first_then_integration_then_unit():
    e2e = tier_of(["tests/e2e/test_members_e2e.py::test_create"])
    integration = tier_of(["tests/integration/members/test_api.py::test_list"])
    unit = tier_of(["tests/unit/test_compose_file.py::test_ports"])
    assert e2e < integration < unit
