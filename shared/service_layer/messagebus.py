"""The message bus: one way in for every command (HTTP) and every event (Kafka).

Every handler has one signature, `handler(uow, message, principal, cause)`:
commands are keyed by their class, events by the type constants that
`shared/contracts` exports. HTTP entrypoints parse a request into a command and
call `bus.handle`; the worker's consumer calls the event handlers through
`bus.event_handlers()` (or `bus.batch_handler()`, once per batch), inside its batch
transaction.

A command that lost a race (the aggregate moved on between read and write) runs
again from a fresh read, for up to 10 s with jittered backoff (retries.py); a command
that named the version it expects (If-Match) answers 412 instead, since that version
is gone. A command run inside a transaction its caller owns (`session`, an
Idempotency-Key's request: shared/web/idempotency.py) runs once: a race aborts that
transaction, so it is the caller that runs the whole transaction again. Event handlers are not retried here:
the consumer retries the whole event in a new transaction.

Every message's cause carries its actor (the principal it runs as), so every event it writes records
who caused it (shared/messaging/outbox.py, the audit trail in shared/audit/).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from ..audit.actor import SYSTEM_ROLE, actor_of
from ..auth import Principal
from ..errors import PreconditionFailed
from ..messaging.consumer import BatchContext, HandlerContext
from ..messaging.envelope import CloudEvent
from ..messaging.outbox import Causation, ConcurrencyConflict
from .retries import RETRY_FOR_S, retrying_lost_races
from .unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

Handler = Callable[[UnitOfWork, Any, Principal, Causation], Any]
UnitOfWorkFactory = Callable[..., UnitOfWork]  # (session=None) -> UnitOfWork


def system_principal(service: str) -> Principal:
    """Who acts when a service reacts to another service's event."""
    return Principal(subject=f"tvp.{service}.worker", role=SYSTEM_ROLE)


@dataclass
class MessageBus:
    service: str
    unit_of_work: UnitOfWorkFactory
    commands: Mapping[type, Handler]
    events: Mapping[str, Handler]
    retry_for_s: float = RETRY_FOR_S
    # Optional: one call per consumed batch, `batch(uow, events, principal, cause)`, for a service whose
    # throughput needs it (reporting's projection); `events` then names the types consumed.
    batch: Handler | None = None

    def handle(
        self,
        command: Any,
        principal: Principal,
        cause: Causation,
        session: Any = None,
        attempt_budget_s: float | None = None,
    ) -> Any:
        """Run a command's use case in a fresh unit of work, again after a lost race (each attempt's database
        work within `attempt_budget_s`, if given); joined to `session` (a transaction the caller owns and
        reruns), once."""
        handler = self.commands[type(command)]
        cause = cause.acting(actor_of(principal))

        def once() -> Any:
            try:
                return handler(self.unit_of_work(session=session), command, principal, cause)
            except ConcurrencyConflict:
                if getattr(command, "precondition", None) is not None:
                    raise PreconditionFailed("the resource changed while the request ran; read it again") from None
                raise

        if session is not None:
            return once()
        return retrying_lost_races(once, self.retry_for_s, attempt_budget_s)

    def handle_event(self, event: CloudEvent, session: Any, cause: Causation | None = None) -> Any:
        """Apply one consumed event inside the consumer's transaction `session`."""
        principal = system_principal(self.service)
        cause = (cause or Causation(correlation_id=event.correlationid, causation_id=event.id)).acting(
            actor_of(principal)
        )
        return self.events[event.type](self.unit_of_work(session=session), event, principal, cause)

    def handle_batch(self, events: list[CloudEvent], session: Any) -> Any:
        """Apply a batch of consumed events inside the consumer's transaction `session`."""
        if self.batch is None:
            raise LookupError(f"the {self.service} bus has no batch handler")
        last = events[-1]
        principal = system_principal(self.service)
        cause = Causation(correlation_id=last.correlationid, causation_id=last.id, actor=actor_of(principal))
        return self.batch(self.unit_of_work(session=session), events, principal, cause)

    def batch_handler(self) -> Callable[[list[CloudEvent], BatchContext], None] | None:
        """The batch handler in the consumer runtime's shape (EventConsumer.batch_handler), if there is one."""
        if self.batch is None:
            return None
        return lambda events, ctx: self.handle_batch(events, ctx.session)

    def event_handlers(self) -> dict[str, Callable[[CloudEvent, HandlerContext], None]]:
        """The handlers in the consumer runtime's shape, one per subscribed event type."""
        return {type_: (lambda event, ctx: self.handle_event(event, ctx.session, ctx.cause)) for type_ in self.events}

    def subscriptions(self, registry) -> list[str]:
        """The topics to consume: those of the event types this service handles."""
        return sorted({registry.spec(type_).topic for type_ in self.events})
