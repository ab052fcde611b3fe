"""A report's narrative and the words around it: the sections the programme asks for, each in Turkish and
English, and the bilingual headings the exports print for them, for the approval block and for a revision."""
from __future__ import annotations

SECTIONS = ("summary", "activities", "challenges", "next_steps")
LANGUAGES = ("tr", "en")
MAX_CHARS = 5000  # per section and language: about two pages of text

# (English, Turkish), as in labels.TEXT
HEADINGS = {
    "narrative": ("Narrative", "Anlatı"),
    "summary": ("Summary", "Özet"),
    "activities": ("Activities", "Faaliyetler"),
    "challenges": ("Challenges", "Karşılaşılan güçlükler"),
    "next_steps": ("Next steps", "Sonraki adımlar"),
    "approval": ("Approval", "Onay"),
    "submitted_by": ("Submitted by", "Sunan"),
    "role": ("Role", "Rol"),
    "submitted_at": ("Submitted", "Sunulma tarihi"),
    "not_submitted": ("Not submitted yet (draft)", "Henüz sunulmadı (taslak)"),
    "revision": ("Revision", "Revizyon"),
    "corrects": ("Corrects revision {previous} (SHA-256 {sha}…, submitted {at})",
                 "{previous}. revizyonu düzeltir (SHA-256 {sha}…, sunulma {at})"),
    "reason": ("Reason", "Gerekçe"),
}

ROLES = {
    "platform_admin": ("Platform administrator", "Platform yöneticisi"),
    "programme_officer": ("Programme officer", "Program sorumlusu"),
}


def empty() -> dict:
    return {section: {lang: "" for lang in LANGUAGES} for section in SECTIONS}


def complete(narrative: dict | None) -> dict:
    """Every section in both languages: a section or language not given is empty text."""
    given = narrative or {}
    return {section: {lang: (given.get(section) or {}).get(lang) or "" for lang in LANGUAGES}
            for section in SECTIONS}


def is_empty(narrative: dict | None) -> bool:
    return not any(text for section in complete(narrative).values() for text in section.values())


def heading(key: str, lang: str) -> str:
    en, tr = HEADINGS[key]
    return {"en": en, "tr": tr}.get(lang, tr if tr == en else f"{tr} / {en}")


def role_name(role: str | None, lang: str) -> str:
    en, tr = ROLES.get(role or "", (role or "—", role or "—"))
    return {"en": en, "tr": tr}.get(lang, tr if tr == en else f"{tr} / {en}")
