"""Who an audit entry names as the actor: the principal of the request or command that caused the event.

Events a service writes on its own (a worker consuming another service's event, a rebuild, a scheduled
job) are caused by its system principal, `tvp.<service>.worker` with role `system` and no organisation
(shared/service_layer/messagebus.py's `system_principal`). The actor is the person acting, never the
person acted on: its `sub` is the token's subject (an account id), not a name or an e-mail of a data subject.
"""

from __future__ import annotations

from ..auth import Principal

SYSTEM_ROLE = "system"


def actor_of(principal: Principal) -> dict:
    return {"sub": principal.subject, "role": principal.role, "org": principal.organisation_id}
