"""Reads of the meeting mails (GET /api/v1/notifications)."""
from __future__ import annotations

from shared.auth import Principal
from shared.service_layer.unit_of_work import UnitOfWork

SHOWN = ("meeting_id", "to", "recipient", "template", "language", "status", "reason", "attempts", "last_error",
         "event_id", "message_id")


def shown(notification: dict) -> dict:
    return {"id": notification["_id"], **{k: notification.get(k) for k in SHOWN},
            "attempts": notification.get("attempts") or 0, "sent_at": notification.get("sent_at"),
            "created_at": notification["created_at"]}


def of_meeting(uow: UnitOfWork, query: dict, principal: Principal) -> dict:
    found = uow.notifications.of_meeting(query["meeting"], query["page"], query["page_size"])
    return found | {"items": [shown(n) for n in found["items"]]}
