import pytest

from shared.provinces import PROVINCES, fold, official_province, region_of


def test_there_are_81_provinces_in_26_regions():
    assert len(PROVINCES) == 81 and len(set(PROVINCES)) == 81
    assert len({region_of(p) for p in PROVINCES}) == 26


@pytest.mark.parametrize("typed, official", [
    ("kirklareli", "Kırklareli"), ("KIRKLARELİ", "Kırklareli"), ("Kırklareli", "Kırklareli"),
    ("KIRKLARELI", "Kırklareli"), (" tekirdag ", "Tekirdağ"), ("EDİRNE", "Edirne"), ("istanbul", "İstanbul"),
    ("İSTANBUL", "İstanbul"), ("Igdir", "Iğdır"), ("IĞDIR", "Iğdır"), ("sanliurfa", "Şanlıurfa"),
    ("çanakkale", "Çanakkale"), ("afyon", "Afyonkarahisar"), ("icel", "Mersin"),
])
def test_matched_without_case_or_diacritics(typed, official):
    assert official_province(typed) == official


@pytest.mark.parametrize("typed", ["", "Thrace", "Edirnee", "Istanbul Province"])
def test_unknown(typed):
    assert official_province(typed) is None


def test_thrace_is_tr21():
    assert {region_of(p) for p in ("Edirne", "Kırklareli", "Tekirdağ")} == {"TR21"}
    assert region_of("İstanbul") == "TR10"


def test_every_official_name_folds_to_itself():
    for name in PROVINCES:
        assert official_province(name) == name and official_province(fold(name)) == name


def test_fold_for_name_search():
    assert "kesan" in fold("Keşan TSO") and fold("ÇERKEZKÖY") == fold("cerkezkoy")
