"""Schemas that every service's API uses."""

from flask_smorest.error_handler import ErrorSchema  # noqa: F401 - the contract's error format, named "Error"
from marshmallow import Schema, fields, validate


class PageQuerySchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


_page_schemas: dict = {}


def page_schema(item_schema: type[Schema]) -> type[Schema]:
    """`XxxPageSchema` for a list endpoint: the items of one page and the total."""
    name = item_schema.__name__.replace("Schema", "PageSchema")
    if name not in _page_schemas:
        _page_schemas[name] = type(
            name,
            (Schema,),
            {
                "items": fields.List(fields.Nested(item_schema), required=True),
                "total": fields.Integer(required=True),
                "page": fields.Integer(required=True),
                "page_size": fields.Integer(required=True),
            },
        )
    return _page_schemas[name]
