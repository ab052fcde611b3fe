"""Marshmallow fields every service's API uses: text, provinces and times (shared/clock.py rules)."""

from __future__ import annotations

import unicodedata
from datetime import datetime

from marshmallow import ValidationError, fields, validate

from ..clock import PLATFORM_ZONE, local_iso, to_millis
from ..provinces import PROVINCES, official_province

CONTROL_FREE = r"^[^\u0000-\u001f\u007f-\u009f]*$"


class Text(fields.String):
    """A trimmed string without control characters or unpaired surrogates (documented as a pattern)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not any(isinstance(v, validate.Regexp) for v in self.validators) and "pattern" not in self.metadata:
            self.metadata = {**self.metadata, "pattern": CONTROL_FREE}

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if any(unicodedata.category(c) in ("Cc", "Cs") for c in text):
            raise ValidationError("contains control characters")
        return text


class ProvinceField(Text):
    """A province of Türkiye typed any way; loads as its official spelling."""

    def __init__(self, *args, **kwargs):
        metadata = kwargs.setdefault("metadata", {})
        metadata.setdefault("enum", PROVINCES)
        metadata.setdefault("description", "A province of Türkiye, any spelling (case and Turkish diacritics ignored)")
        super().__init__(*args, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        official = official_province(text)
        if official is None:
            raise ValidationError(f"not a province of Türkiye: {text[:60]!r}")
        return official


class Moment(fields.AwareDateTime):
    """An ISO 8601 time sent by a client, loaded as UTC to the millisecond; without an offset it is
    Europe/Istanbul time. Shown like a Timestamp. `earliest`/`latest` bound it when given."""

    def __init__(self, earliest: datetime | None = None, latest: datetime | None = None, **kwargs):
        kwargs.setdefault("metadata", {}).setdefault(
            "description", "ISO 8601, e.g. 2026-05-14T10:00:00+03:00; without an offset: Europe/Istanbul time"
        )
        super().__init__(format="iso", default_timezone=PLATFORM_ZONE, **kwargs)
        self.earliest, self.latest = earliest, latest

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            moment = to_millis(moment)
        except (OverflowError, ValueError):
            raise ValidationError("out of range") from None
        if (self.earliest and moment < self.earliest) or (self.latest and moment >= self.latest):
            raise ValidationError(
                f"must lie between {self.earliest.year} and {self.latest.year}"
                if self.earliest and self.latest
                else "out of range"
            )
        return moment

    def _serialize(self, value, attr, obj, **kwargs):
        return local_iso(value)


class Timestamp(fields.DateTime):
    """A stored time shown as ISO 8601 with the platform zone's offset (+03:00)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return local_iso(value)
