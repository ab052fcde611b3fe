"""Request and response schemas of the members API."""
from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from shared.contracts.members import MEMBERSHIP_STATUSES, ORGANISATION_KINDS, SIZE_CLASSES
from shared.web.schemas import PageQuerySchema

from ..domain.provinces import PROVINCES, official_province
from ..domain.tax_number import is_valid_vkn


class ProvinceField(fields.String):
    """A province typed any way; loads as its official spelling."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        official = official_province(text)
        if official is None:
            raise ValidationError(f"not a province of Türkiye: {text!r}")
        return official


class OrganisationCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=2, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(ORGANISATION_KINDS))
    province = ProvinceField(required=True, metadata={"enum": PROVINCES, "description": "Any spelling"})
    short_name = fields.String(validate=validate.Length(min=1, max=50))
    district = fields.String(validate=validate.Length(min=1, max=100))
    tax_number = fields.String(validate=validate.Regexp(r"^\d{10}$", error="a VKN has 10 digits"))
    nace_code = fields.String(validate=validate.Regexp(r"^[A-U](\d{2}(\.\d{1,2}){0,2})?$",
                                                        error="a NACE Rev.2 code such as C25.62"))
    size_class = fields.String(validate=validate.OneOf(SIZE_CLASSES))
    employees = fields.Integer(strict=True, validate=validate.Range(min=0, max=1_000_000))
    email = fields.Email()
    website = fields.URL(schemes={"http", "https"})

    @validates("tax_number")
    def _check_digit(self, value, **_):
        if not is_valid_vkn(value):
            raise ValidationError("the VKN check digit is wrong")

    @validates_schema
    def _companies_have_size(self, data, **_):
        if data.get("kind") == "company" and not data.get("size_class"):
            raise ValidationError("required for companies", "size_class")


class OrganisationSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    short_name = fields.String(allow_none=True)
    kind = fields.String(required=True)
    province = fields.String(required=True)
    region = fields.String(required=True)
    district = fields.String(allow_none=True)
    tax_number = fields.String(allow_none=True)
    nace_code = fields.String(allow_none=True)
    size_class = fields.String(allow_none=True)
    is_sme = fields.Boolean(required=True)
    employees = fields.Integer(allow_none=True)
    email = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(MEMBERSHIP_STATUSES))
    version = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class OrganisationQuerySchema(PageQuerySchema):
    kind = fields.String(validate=validate.OneOf(ORGANISATION_KINDS))
    province = ProvinceField()
    status = fields.String(validate=validate.OneOf(MEMBERSHIP_STATUSES))
    q = fields.String(validate=validate.Length(min=1, max=100))
