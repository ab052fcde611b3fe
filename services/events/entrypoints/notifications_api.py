"""HTTP entrypoint for the meeting mails: what was sent (or not, and why) for a meeting (platform admins)."""
from __future__ import annotations

from flask.views import MethodView

from shared.web.bus import reading
from shared.web.http import ApiBlueprint
from shared.web.schemas import page_schema
from shared.web.security import current_principal, guarded

from ..service_layer import notification_views
from .schemas import NotificationQuerySchema, NotificationSchema

blp = ApiBlueprint("notifications", __name__, url_prefix="/api/v1/notifications",
                   description="The e-mail notifications of meetings: invitations, confirmations, waitlist "
                               "promotions, reminders, reschedule and cancellation notices")


@blp.route("")
class Notifications(MethodView):
    @guarded(blp)
    @blp.arguments(NotificationQuerySchema, location="query")
    @blp.response(200, page_schema(NotificationSchema))
    def get(self, query):
        """List a meeting's notifications, oldest first"""
        return notification_views.of_meeting(reading(), query, current_principal())
