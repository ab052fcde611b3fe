"""The evidence API's shapes, the same in every service that keeps evidence."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..web.fields import Timestamp
from ..web.schemas import PageQuerySchema
from .rules import CONTENT_TYPES, KINDS


class EvidenceUploadSchema(Schema):
    """The multipart form: the file and its kind (webargs' `form` location reads both, shared/web/http.py)."""

    file = fields.Raw(
        required=True,
        metadata={"type": "string", "format": "binary", "description": "PDF, JPEG or PNG (by content), at most 20 MiB"},
    )
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))


class EvidenceQuerySchema(PageQuerySchema):
    pass


class EvidenceSchema(Schema):
    id = fields.String(required=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True, validate=validate.OneOf(CONTENT_TYPES))
    size = fields.Integer(required=True, metadata={"description": "bytes"})
    sha256 = fields.String(required=True, metadata={"description": "SHA-256 of the bytes, 64 hex digits"})
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    owner_type = fields.String(required=True, metadata={"description": "meeting or expenditure"})
    owner_id = fields.String(required=True)
    uploaded_by = fields.String(allow_none=True, metadata={"description": "the uploader's subject (an id)"})
    uploaded_at = Timestamp(required=True)
