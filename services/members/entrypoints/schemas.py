"""Request and response schemas of the members API.

Requests reject unknown fields (marshmallow's default RAISE, answered with 422).
Text is trimmed and may not contain control characters.
"""
from __future__ import annotations

from datetime import date

from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, pre_dump, validate, validates, validates_schema

from shared.contracts.members import (
    GENDERS,
    MEMBERSHIP_ACTIONS,
    MEMBERSHIP_STATUSES,
    ORGANISATION_KINDS,
    SEAT_ROLES,
    SIZE_CLASSES,
)
from shared.provinces import REGION_OF
from shared.web.fields import Moment, ProvinceField, Text, Timestamp
from shared.web.schemas import PageQuerySchema

from ..domain.governance import BODY_CODE_PATTERN, BODY_KINDS
from ..domain.tax_number import is_valid_vkn
from ..service_layer.organisations import ORGANISATION_SORTS

NACE_PATTERN = r"^(?:[A-U]|[A-U]?[0-9]{2}(?:\.[0-9]{1,2}(?:\.[0-9]{2})?)?)$"
PHONE_PATTERN = r"^\+?[0-9][0-9 ()-]{5,24}$"
ORGANISATION_REGIONS = sorted(set(REGION_OF.values()))
CONTACT_ONLY = "null unless the caller is a platform admin or the chamber admin of the person's organisation"


# -- fields -----------------------------------------------------------------

class IsoDate(fields.Date):
    """A calendar date; dumps dates and the ISO strings they are stored as."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, str):
            return value
        return super()._serialize(value, attr, obj, **kwargs)


class Out(Schema):
    """Response schemas read stored documents, whose id is `_id`; an absent optional field shows as null."""

    @pre_dump
    def _id_as_id(self, obj, **_):
        if not isinstance(obj, dict):
            return obj
        shown = {**{name: None for name, field in self.fields.items() if field.allow_none}, **obj}
        if "_id" in obj and "id" not in obj:
            shown["id"] = obj["_id"]
        return shown


# -- organisations ----------------------------------------------------------

class _VknMixin:
    @validates("tax_number")
    def _check_digit(self, value, **_):
        if value is not None and not is_valid_vkn(value):
            raise ValidationError("the VKN check digit is wrong")


class OrganisationCreateSchema(_VknMixin, Schema):
    name = Text(required=True, validate=validate.Length(min=2, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(ORGANISATION_KINDS))
    province = ProvinceField(required=True)
    short_name = Text(validate=validate.Length(min=1, max=50))
    district = Text(validate=validate.Length(min=1, max=100))
    tax_number = Text(validate=validate.Regexp(r"^[0-9]{10}$", error="a VKN has 10 digits"))
    nace_code = Text(validate=validate.Regexp(NACE_PATTERN, error="a NACE Rev.2 code such as C25.62"))
    size_class = fields.String(validate=validate.OneOf(SIZE_CLASSES), metadata={
        "description": "Required for companies; micro, small and medium companies are SMEs"})
    employees = fields.Integer(strict=True, validate=validate.Range(min=0, max=1_000_000))
    email = fields.Email(validate=validate.Length(max=254))
    website = fields.URL(schemes={"http", "https"}, validate=validate.Length(max=500))

    @validates_schema
    def _companies_have_size(self, data, **_):
        if data.get("kind") == "company" and not data.get("size_class"):
            raise ValidationError("required for companies", "size_class")


class OrganisationUpdateSchema(_VknMixin, Schema):
    """Only the fields sent change; null clears an optional field."""
    name = Text(validate=validate.Length(min=2, max=200))
    kind = fields.String(validate=validate.OneOf(ORGANISATION_KINDS))
    province = ProvinceField()
    short_name = Text(allow_none=True, validate=validate.Length(min=1, max=50))
    district = Text(allow_none=True, validate=validate.Length(min=1, max=100))
    tax_number = Text(allow_none=True, validate=validate.Regexp(r"^[0-9]{10}$", error="a VKN has 10 digits"))
    nace_code = Text(allow_none=True, validate=validate.Regexp(NACE_PATTERN, error="a NACE Rev.2 code such as C25.62"))
    size_class = fields.String(allow_none=True, validate=validate.OneOf(SIZE_CLASSES))
    employees = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=0, max=1_000_000))
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    website = fields.URL(allow_none=True, schemes={"http", "https"}, validate=validate.Length(max=500))


class OrganisationSchema(Out):
    id = fields.String(required=True)
    name = fields.String(required=True)
    short_name = fields.String(allow_none=True)
    kind = fields.String(required=True, validate=validate.OneOf(ORGANISATION_KINDS))
    province = fields.String(required=True)
    region = fields.String(required=True, metadata={"description": "NUTS-2 code; TR21 is Thrace"})
    district = fields.String(allow_none=True)
    tax_number = fields.String(allow_none=True)
    nace_code = fields.String(allow_none=True)
    size_class = fields.String(allow_none=True)
    is_sme = fields.Boolean(required=True)
    employees = fields.Integer(allow_none=True)
    email = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(MEMBERSHIP_STATUSES))
    version = fields.Integer(required=True, metadata={"description": "Also the ETag"})
    created_at = Timestamp(required=True)
    updated_at = Timestamp(required=True)


class OrganisationQuerySchema(PageQuerySchema):
    kind = fields.String(validate=validate.OneOf(ORGANISATION_KINDS))
    province = ProvinceField()
    region = fields.String(validate=validate.OneOf(ORGANISATION_REGIONS))
    status = fields.String(validate=validate.OneOf(MEMBERSHIP_STATUSES))
    is_sme = fields.Boolean()
    q = Text(validate=validate.Length(min=1, max=100),
             metadata={"description": "Name search, ignoring case and Turkish diacritics"})
    sort = fields.String(load_default="name", validate=validate.OneOf(ORGANISATION_SORTS), metadata={
        "description": "Order of the list: a field, descending with a leading '-'; ties by name"})


class OrganisationExportQuerySchema(OrganisationQuerySchema):
    """The list's filters and order, without pages: an export holds every organisation they select."""
    format = fields.String(required=True, validate=validate.OneOf(["csv", "xlsx"]), metadata={
        "description": "csv: UTF-8 with BOM, semicolon-separated; xlsx: one sheet, times as date cells"})

    class Meta:
        exclude = ("page", "page_size")


class ImportFormSchema(Schema):
    """A multipart form: the file and whether to commit."""
    file = Upload(required=True, metadata={"description": "CSV (UTF-8, UTF-16 or Windows-1254; comma, semicolon "
                                                          "or tab) or XLSX, at most 10 MB; a header row names "
                                                          "the columns (docs/members.md)"})
    dry_run = fields.Boolean(load_default=True, metadata={
        "description": "true (default): check every row, create nothing; false: create the new organisations"})


class RowIssueSchema(Schema):
    row = fields.Integer(required=True, metadata={"description": "The row's number in the file, as Excel shows it"})
    field = fields.String(required=True)
    message = fields.String(required=True)


class ImportedOrganisationSchema(Schema):
    row = fields.Integer(required=True)
    id = fields.String(required=True)


class ImportResultSchema(Schema):
    rows = fields.Integer(required=True, metadata={"description": "Rows below the header (empty rows not counted)"})
    valid = fields.Integer(required=True, metadata={"description": "Rows that are (dry run) or were new organisations"})
    invalid = fields.Integer(required=True, metadata={"description": "Rows that POST /organisations would refuse"})
    duplicates = fields.Integer(required=True, metadata={
        "description": "Valid rows naming an organisation already registered or in an earlier row"})
    errors = fields.List(fields.Nested(RowIssueSchema), required=True, metadata={
        "description": "Every refusal of every invalid row"})
    duplicate_rows = fields.List(fields.Nested(RowIssueSchema), required=True)
    ignored_columns = fields.List(fields.String(), required=True, metadata={
        "description": "Header cells that name no field: their columns are not read"})
    created = fields.Integer(metadata={"description": "Commit only"})
    skipped = fields.Integer(metadata={"description": "Commit only: rows not created (invalid or duplicates)"})
    organisations = fields.List(fields.Nested(ImportedOrganisationSchema), metadata={
        "description": "Commit only: the new organisations and their rows"})


class MembershipActionSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(MEMBERSHIP_ACTIONS))
    reason = Text(allow_none=True, validate=validate.Length(min=1, max=1000))


class MembershipEntrySchema(Schema):
    action = fields.String(required=True)
    previous_status = fields.String(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(MEMBERSHIP_STATUSES))
    reason = fields.String(allow_none=True)
    actor = fields.String(allow_none=True)
    at = Timestamp(required=True)


class MembershipHistorySchema(Schema):
    organisation_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(MEMBERSHIP_STATUSES))
    version = fields.Integer(required=True)
    history = fields.List(fields.Nested(MembershipEntrySchema), required=True)


# -- people -----------------------------------------------------------------

class ConsentSchema(Schema):
    purpose = Text(required=True, validate=validate.Length(min=1, max=100),
                   metadata={"description": "e.g. newsletter, event_photos, data_sharing_with_programme"})
    granted_at = Moment(metadata={"description": "Defaults to now"})
    text_version = Text(validate=validate.Length(min=1, max=50))
    source = Text(validate=validate.Length(min=1, max=100), metadata={"description": "e.g. web_form, paper"})
    withdrawn_at = Moment(allow_none=True)


class ConsentOutSchema(Out):
    purpose = fields.String(required=True)
    granted_at = Timestamp(required=True)
    text_version = fields.String(allow_none=True)
    source = fields.String(allow_none=True)
    withdrawn_at = Timestamp(allow_none=True)


class PersonCreateSchema(Schema):
    organisation_id = Text(required=True, validate=validate.Length(min=1, max=64))
    full_name = Text(required=True, validate=validate.Length(min=2, max=200))
    email = fields.Email(required=True, validate=validate.Length(max=254))
    title = Text(validate=validate.Length(min=1, max=100))
    phone = Text(validate=validate.Regexp(PHONE_PATTERN, error="a phone number such as +90 288 214 12 34"))
    gender = fields.String(validate=validate.OneOf(GENDERS))
    consents = fields.List(fields.Nested(ConsentSchema), validate=validate.Length(max=50))


class PersonUpdateSchema(Schema):
    """Only the fields sent change; null clears an optional field; `consents` replaces the list."""
    full_name = Text(validate=validate.Length(min=2, max=200))
    email = fields.Email(validate=validate.Length(max=254))
    title = Text(allow_none=True, validate=validate.Length(min=1, max=100))
    phone = Text(allow_none=True, validate=validate.Regexp(PHONE_PATTERN,
                                                           error="a phone number such as +90 288 214 12 34"))
    gender = fields.String(allow_none=True, validate=validate.OneOf(GENDERS))
    consents = fields.List(fields.Nested(ConsentSchema), allow_none=True, validate=validate.Length(max=50))


class PersonSchema(Out):
    id = fields.String(required=True)
    organisation_id = fields.String(required=True)
    full_name = fields.String(required=True)
    email = fields.String(allow_none=True, metadata={"description": CONTACT_ONLY})
    title = fields.String(allow_none=True)
    phone = fields.String(allow_none=True, metadata={"description": CONTACT_ONLY})
    gender = fields.String(allow_none=True, validate=validate.OneOf(GENDERS))
    consents = fields.List(fields.Nested(ConsentOutSchema), metadata={
        "description": "Only for platform admins and the chamber admins of the person's organisation"})
    status = fields.String(required=True, validate=validate.OneOf(["active"]))
    version = fields.Integer(required=True)
    created_at = Timestamp(required=True)
    updated_at = Timestamp(required=True)


class PeopleQuerySchema(PageQuerySchema):
    organisation_id = Text(validate=validate.Length(min=1, max=64))
    q = Text(validate=validate.Length(min=1, max=100), metadata={"description": "Name search"})


# -- governance bodies and seats --------------------------------------------

class BodyCreateSchema(Schema):
    code = Text(required=True, validate=validate.Regexp(BODY_CODE_PATTERN, error="lower-case letters, digits, _ or -"),
                metadata={"description": "e.g. wg_industrial_symbiosis"})
    name = Text(required=True, validate=validate.Length(min=2, max=200))
    name_tr = Text(validate=validate.Length(min=2, max=200))
    description = Text(validate=validate.Length(min=1, max=2000))


class SeatCreateSchema(Schema):
    person_id = Text(required=True, validate=validate.Length(min=1, max=64))
    role = fields.String(required=True, validate=validate.OneOf(SEAT_ROLES))
    term_start = fields.Date(required=True)
    term_end = fields.Date(allow_none=True)

    @validates_schema
    def _term_in_order(self, data, **_):
        start, end = data.get("term_start"), data.get("term_end")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            raise ValidationError("must not be before term_start", "term_end")


class SeatEndSchema(Schema):
    ended_on = fields.Date(metadata={"description": "Defaults to today (or to the term start if still ahead)"})
    reason = Text(allow_none=True, validate=validate.Length(min=1, max=1000))


class SeatSchema(Out):
    id = fields.String(required=True)
    body = fields.String(required=True)
    person_id = fields.String(required=True)
    person_name = fields.String(allow_none=True, metadata={"description": "null once the person is erased"})
    organisation_id = fields.String(required=True)
    organisation_name = fields.String(allow_none=True)
    role = fields.String(required=True, validate=validate.OneOf(SEAT_ROLES))
    term_start = IsoDate(required=True)
    term_end = IsoDate(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(["active", "ended"]))
    ended_on = IsoDate(allow_none=True)
    end_reason = fields.String(allow_none=True)
    version = fields.Integer(required=True)
    created_at = Timestamp(required=True)
    updated_at = Timestamp(required=True)


class BodySchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    name_tr = fields.String(allow_none=True)
    kind = fields.String(required=True, validate=validate.OneOf(BODY_KINDS))
    description = fields.String(allow_none=True)
    created_at = Timestamp(required=True)

    @pre_dump
    def _code(self, obj, **_):
        return {**obj, "code": obj["_id"]} if isinstance(obj, dict) and "_id" in obj else obj


class BodyWithSeatsSchema(BodySchema):
    seats = fields.List(fields.Nested(SeatSchema), required=True,
                        metadata={"description": "The current composition: active seats, chair first"})


class BodyHistoryQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(["active", "ended"]))
