"""Other chambers on the production broker: one SCRAM user each, and the ACLs that let it read the public topics.

The one source of truth for what a chamber may do: `chamber_acls` lists the grants, and
`add_chamber`/`remove_chamber` apply them through the Kafka admin API on a listener whose
principal is a super user (compose's INTERNAL listener, ANONYMOUS). `tvp chamber add|remove`
runs them in production (docs/deployment.md); the external-listener test runs the same
functions against a real broker, so the grants shipped are the grants tested.

Nothing but Read and Describe is granted, on two prefixes: the public topics and the groups
named after the chamber. Everything else (writes, the internal topics, other groups) is
refused by StandardAuthorizer with `allow.everyone.if.no.acl.found=false`.
"""
from __future__ import annotations

from kafka.admin import (
    ACL,
    ACLFilter,
    ACLOperation,
    ACLPermissionType,
    ACLResourcePatternType,
    ResourcePattern,
    ResourcePatternFilter,
    ResourceType,
    ScramMechanism,
    UserScramCredentialDeletion,
    UserScramCredentialUpsertion,
)

from shared.messaging.kafka import make_admin

PUBLIC_TOPIC_PREFIX = "tvp.public."
GRANTED_OPERATIONS = (ACLOperation.READ, ACLOperation.DESCRIBE)
# Kafka's own tools default to 4096; 8192 is what docs/deployment.md always used.
SCRAM_ITERATIONS = 8192


class ChamberError(Exception):
    pass


def principal(chamber: str) -> str:
    return f"User:{chamber}"


def _patterns(chamber: str) -> list[ResourcePattern]:
    # The group prefix is the user name itself: "kirklareli-tso", "kirklareli-tso.meetings", ...
    return [ResourcePattern(ResourceType.TOPIC, PUBLIC_TOPIC_PREFIX, ACLResourcePatternType.PREFIXED),
            ResourcePattern(ResourceType.GROUP, chamber, ACLResourcePatternType.PREFIXED)]


def chamber_acls(chamber: str) -> list[ACL]:
    """Everything a chamber is allowed: Read and Describe on tvp.public.* and on its own groups."""
    if not chamber or any(c in chamber for c in ",;=[] \t*"):
        raise ChamberError(f"{chamber!r} is not a usable chamber user name")
    return [ACL(principal(chamber), "*", operation, ACLPermissionType.ALLOW, pattern)
            for pattern in _patterns(chamber) for operation in GRANTED_OPERATIONS]


def add_chamber(bootstrap: str, chamber: str, password: str) -> None:
    """Create (or rotate) the chamber's SCRAM-SHA-512 credential and grant its ACLs; safe to run again."""
    acls = chamber_acls(chamber)
    if not password:
        raise ChamberError("a chamber needs a non-empty password")
    admin = make_admin(bootstrap)
    try:
        errors = admin.alter_user_scram_credentials(
            [UserScramCredentialUpsertion(chamber, ScramMechanism.SCRAM_SHA_512, password,
                                          iterations=SCRAM_ITERATIONS)])
        if errors.get(chamber):
            raise ChamberError(f"SCRAM credential of {chamber}: {errors[chamber]}")
        # Creating an ACL that exists already is a no-op for the broker.
        result = admin.create_acls(acls)
        if result.get("failed"):
            raise ChamberError(f"ACLs of {chamber}: {result['failed']}")
    finally:
        admin.close()


def remove_chamber(bootstrap: str, chamber: str) -> None:
    """Delete the chamber's credential and every ACL `add_chamber` granted it."""
    admin = make_admin(bootstrap)
    try:
        admin.alter_user_scram_credentials([UserScramCredentialDeletion(chamber, ScramMechanism.SCRAM_SHA_512)])
        admin.delete_acls([ACLFilter(acl.principal, acl.host, acl.operation, acl.permission_type,
                                     acl.resource_pattern) for acl in chamber_acls(chamber)])
    finally:
        admin.close()


def granted(bootstrap: str, chamber: str) -> list[str]:
    """The chamber's ACLs as the broker holds them, one readable line each (for `tvp chamber show`)."""
    admin = make_admin(bootstrap)
    try:
        acls, error = admin.describe_acls(ACLFilter(principal(chamber), "*", ACLOperation.ANY, ACLPermissionType.ANY,
                                                    ResourcePatternFilter(ResourceType.ANY, None,
                                                                          ACLResourcePatternType.ANY)))
    finally:
        admin.close()
    if error and getattr(error, "errno", 0):
        raise ChamberError(f"describe ACLs of {chamber}: {error}")
    return sorted(f"{acl.permission_type.name} {acl.operation.name} {acl.resource_pattern.resource_type.name} "
                  f"{acl.resource_pattern.pattern_type.name} {acl.resource_pattern.resource_name}" for acl in acls)

