"""Flask's `session`, kept server-side in tvp_console.sessions.

The cookie holds only a random id (HttpOnly, SameSite=Lax, Secure when configured), so a cookie reveals
nothing and a signed-out session is gone for good. Everything the console keeps per visitor goes through
`flask.session`: the signed-in user, the CSRF secret of flask-wtf, the chosen language.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

from .adapters.store import SessionStore, now

COOKIE = "tvp_console_session"


class ServerSession(CallbackDict, SessionMixin):
    def __init__(self, initial=None, session_id: str | None = None, expires_at: datetime | None = None):
        def on_update(session):
            session.modified = True

        super().__init__(initial, on_update)
        self.session_id, self.expires_at = session_id, expires_at
        self.modified = False
        self.rotate = False  # a new id at the next save (sign-in): an id known before sign-in never becomes one

    def regenerate(self) -> None:
        self.rotate = True
        self.modified = True


class ServerSessionInterface(SessionInterface):
    def __init__(self, store: SessionStore, secure: bool):
        self.store, self.secure = store, secure

    def get_cookie_name(self, app) -> str:
        return COOKIE

    def open_session(self, app, request) -> ServerSession:
        session_id = request.cookies.get(COOKIE)
        if session_id and len(session_id) <= 64:
            found = self.store.load(session_id)
            if found is not None:
                data, expires_at = found
                return ServerSession(data, session_id, expires_at)
        return ServerSession()

    def save_session(self, app, session: ServerSession, response) -> None:
        cookie = dict(domain=self.get_cookie_domain(app), path=self.get_cookie_path(app))
        if not session:
            if session.session_id:
                self.store.delete(session.session_id)
                response.delete_cookie(COOKIE, **cookie)
            return
        if session.rotate and session.session_id:
            self.store.delete(session.session_id)
            session.session_id = None
        if session.session_id is None:
            session.session_id = self.store.new_id()
        if session.modified:
            session.expires_at = self.store.save(session.session_id, dict(session))
        elif session.expires_at is None or session.expires_at - now() < self.store.idle / 2:
            # Idle expiry slides, but one write per request would be too many: refresh past half-life only.
            session.expires_at = self.store.touch(session.session_id)
        else:
            return
        response.vary.add("Cookie")
        response.set_cookie(
            COOKIE, session.session_id, max_age=int(self.store.idle / timedelta(seconds=1)), httponly=True,
            samesite="Lax", secure=self.secure, **cookie,
        )
