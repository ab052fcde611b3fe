"""The console's own database (tvp_console): sessions, used sign-in codes and files uploaded for an import
awaiting their confirmation; nothing of the domain.

All three collections expire by a TTL index on `expires_at`; MongoDB's TTL monitor runs about once a minute,
so every read checks `expires_at` itself as well.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone

from pymongo.errors import DuplicateKeyError

SESSIONS = "sessions"
USED_LOGIN_CODES = "used_login_codes"
PENDING_UPLOADS = "pending_uploads"
PENDING_UPLOAD_S = 3600  # an import's dry run stays confirmable for an hour


def ensure_indexes(db) -> None:
    db[SESSIONS].create_index("expires_at", expireAfterSeconds=0, name="sessions_ttl")
    # `_id` is the jti, unique by itself: a second insert of the same code fails, so a code works once.
    db[USED_LOGIN_CODES].create_index("expires_at", expireAfterSeconds=0, name="used_login_codes_ttl")
    db[PENDING_UPLOADS].create_index("expires_at", expireAfterSeconds=0, name="pending_uploads_ttl")


def now() -> datetime:
    return datetime.now(timezone.utc)


class UsedLoginCodes:
    def __init__(self, db):
        self.collection = db[USED_LOGIN_CODES]

    def claim(self, jti: str, expires_at: datetime, subject: str) -> bool:
        """True the first time a code is used; False ever after (until well past its expiry)."""
        try:
            # Kept a day past the code's expiry: an expired code is refused by its signature check anyway.
            self.collection.insert_one({"_id": jti, "sub": subject, "used_at": now(),
                                        "expires_at": expires_at + timedelta(days=1)})
        except DuplicateKeyError:
            return False
        return True


class SessionStore:
    """Server-side sessions: the cookie carries only the random id; the data stays here."""

    def __init__(self, db, idle_s: int):
        self.collection, self.idle = db[SESSIONS], timedelta(seconds=idle_s)

    @staticmethod
    def new_id() -> str:
        return secrets.token_urlsafe(32)

    def load(self, session_id: str) -> tuple[dict, datetime] | None:
        document = self.collection.find_one({"_id": session_id, "expires_at": {"$gt": now()}})
        if document is None:
            return None
        return document.get("data") or {}, document["expires_at"]

    def save(self, session_id: str, data: dict) -> datetime:
        expires_at = now() + self.idle
        self.collection.update_one({"_id": session_id}, {"$set": {"data": data, "expires_at": expires_at}},
                                   upsert=True)
        return expires_at

    def touch(self, session_id: str) -> datetime:
        expires_at = now() + self.idle
        self.collection.update_one({"_id": session_id}, {"$set": {"expires_at": expires_at}})
        return expires_at

    def delete(self, session_id: str) -> None:
        self.collection.delete_one({"_id": session_id})


class PendingUploads:
    """A file checked by a dry run, kept until its user confirms the import: a browser cannot send a file a
    second time without the user choosing it again. Only the user who uploaded it may take it."""

    def __init__(self, db):
        self.collection = db[PENDING_UPLOADS]

    def keep(self, subject: str, filename: str, content: bytes) -> str:
        upload_id = secrets.token_urlsafe(16)
        self.collection.insert_one({"_id": upload_id, "sub": subject, "filename": filename, "content": content,
                                    "expires_at": now() + timedelta(seconds=PENDING_UPLOAD_S)})
        return upload_id

    def find(self, upload_id: str, subject: str) -> tuple[str, bytes] | None:
        found = self.collection.find_one({"_id": upload_id, "sub": subject, "expires_at": {"$gt": now()}})
        return None if found is None else (found["filename"], bytes(found["content"]))

    def drop(self, upload_id: str) -> None:
        self.collection.delete_one({"_id": upload_id})
