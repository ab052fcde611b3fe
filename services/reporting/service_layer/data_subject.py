"""What the reporting service holds about a person, for an access request: nothing that identifies anyone.

Reporting keeps counts: its journal drops person ids as it stores consumed events, its projections count
attendances and organisations by category, its reports hold those counts. So it cannot tell one person's
part in a count (that is the point), nor which organisation a person belongs to: it answers every platform
admin and chamber admin alike, for any person id, with this statement; the audit entries naming the person
(earlier access requests here) only to platform admins (shared/audit/api.py, `shows_audit`).
"""
from __future__ import annotations

from shared.auth import Principal
from shared.service_layer.unit_of_work import UnitOfWork

STATEMENT = {
    "en": "The reporting service holds no personal data: attendances and participants are kept only as "
          "anonymous counts (by gender, province, organisation kind and size), which include this person's "
          "attendances without identifying them.",
    "tr": "Raporlama servisi kişisel veri tutmaz: katılımlar ve katılımcılar yalnızca anonim sayılar olarak "
          "(cinsiyet, il, kuruluş türü ve büyüklüğüne göre) tutulur; bu sayılar kişinin katılımlarını "
          "kimliğini belirtmeden içerir.",
}


def holdings(uow: UnitOfWork, person_id: str, principal: Principal) -> dict:
    return {"personal_data": [], "statement": STATEMENT}


def shows_audit(principal: Principal) -> bool:
    return principal.is_admin
