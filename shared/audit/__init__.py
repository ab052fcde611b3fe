"""The audit trail: who did what (the actor of every event, from the event log) and who read whose data
(access requests). One implementation for the three services: docs/privacy.md."""
