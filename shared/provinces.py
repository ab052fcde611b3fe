"""Türkiye's 81 provinces, their official spelling and NUTS-2 region: reference data every service needs."""

from __future__ import annotations

import unicodedata

_REGIONS = {
    "TR10": ["İstanbul"],
    "TR21": ["Tekirdağ", "Edirne", "Kırklareli"],
    "TR22": ["Balıkesir", "Çanakkale"],
    "TR31": ["İzmir"],
    "TR32": ["Aydın", "Denizli", "Muğla"],
    "TR33": ["Manisa", "Afyonkarahisar", "Kütahya", "Uşak"],
    "TR41": ["Bursa", "Eskişehir", "Bilecik"],
    "TR42": ["Kocaeli", "Sakarya", "Düzce", "Bolu", "Yalova"],
    "TR51": ["Ankara"],
    "TR52": ["Konya", "Karaman"],
    "TR61": ["Antalya", "Isparta", "Burdur"],
    "TR62": ["Adana", "Mersin"],
    "TR63": ["Hatay", "Kahramanmaraş", "Osmaniye"],
    "TR71": ["Kırıkkale", "Aksaray", "Niğde", "Nevşehir", "Kırşehir"],
    "TR72": ["Kayseri", "Sivas", "Yozgat"],
    "TR81": ["Zonguldak", "Karabük", "Bartın"],
    "TR82": ["Kastamonu", "Çankırı", "Sinop"],
    "TR83": ["Samsun", "Tokat", "Çorum", "Amasya"],
    "TR90": ["Trabzon", "Ordu", "Giresun", "Rize", "Artvin", "Gümüşhane"],
    "TRA1": ["Erzurum", "Erzincan", "Bayburt"],
    "TRA2": ["Ağrı", "Kars", "Iğdır", "Ardahan"],
    "TRB1": ["Malatya", "Elazığ", "Bingöl", "Tunceli"],
    "TRB2": ["Van", "Muş", "Bitlis", "Hakkari"],
    "TRC1": ["Gaziantep", "Adıyaman", "Kilis"],
    "TRC2": ["Şanlıurfa", "Diyarbakır"],
    "TRC3": ["Mardin", "Batman", "Şırnak", "Siirt"],
}

REGION_OF = {name: code for code, names in _REGIONS.items() for name in names}
PROVINCES = sorted(REGION_OF)
THRACE_REGION = "TR21"


def fold(text: str) -> str:
    """Lower-case without Turkish diacritics: 'KIRKLARELİ', 'Kırklareli' and 'kirklareli' fold alike."""
    text = text.replace("İ", "i").replace("I", "ı").lower().replace("ı", "i")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


_BY_FOLDED = {fold(name): name for name in PROVINCES}
# Common alternative names people type.
_BY_FOLDED.update(
    {
        "afyon": "Afyonkarahisar",
        "icel": "Mersin",
        "k.maras": "Kahramanmaraş",
        "maras": "Kahramanmaraş",
        "antep": "Gaziantep",
        "urfa": "Şanlıurfa",
    }
)


def official_province(text: str) -> str | None:
    """The official spelling of a province typed any way, or None if there is no such province."""
    return _BY_FOLDED.get(fold(text))


def region_of(province: str) -> str:
    return REGION_OF[province]
