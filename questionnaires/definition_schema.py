"""The marshmallow schemas of a definition file (the structure; :mod:`questionnaires.analysis` checks the rest)."""
from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from .vocabulary import CHANNELS, CODE, DEFAULT_LANGUAGE, DISPLAYS, ITEM_TYPES, LANGUAGES, OPS

#: The longest a text item may allow: a comment of a satisfaction questionnaire (the standard's 500), with room; the
#: redaction's passes grow faster than linearly with a comment's length (docs/questionnaires.md), so a
#: definition may not open the processor to comments of the 16 KB a body may carry.
MAX_TEXT_LENGTH = 1000


class _Labels(fields.Dict):
    def __init__(self, **kw):
        super().__init__(keys=fields.String(validate=validate.OneOf(LANGUAGES)),
                         values=fields.String(validate=validate.Length(min=1)), **kw)

    def _deserialize(self, value, attr, data, **kw):
        out = super()._deserialize(value, attr, data, **kw)
        if DEFAULT_LANGUAGE not in out:
            raise ValidationError("The Italian label ('it') is required.")
        return out


class _OptionSchema(Schema):
    class Meta:
        unknown = RAISE
    code = fields.String(required=True, validate=validate.Regexp(CODE))
    label = _Labels(required=True)


class _ConditionSchema(Schema):
    class Meta:
        unknown = RAISE
    item = fields.String(required=True)
    op = fields.String(required=True, validate=validate.OneOf(sorted(OPS)))
    value = fields.Raw(required=True, allow_none=False)


class _ScaleSchema(Schema):
    class Meta:
        unknown = RAISE
    min = fields.Integer(required=True, strict=True)
    max = fields.Integer(required=True, strict=True)


class _ItemSchema(Schema):
    class Meta:
        unknown = RAISE
    code = fields.String(required=True, validate=validate.Regexp(CODE))
    type = fields.String(required=True, validate=validate.OneOf(ITEM_TYPES))
    label = _Labels(required=True)
    required = fields.Boolean(load_default=False)
    scale = fields.Nested(_ScaleSchema)
    scale_labels = fields.Dict(keys=fields.String(validate=validate.OneOf(["min", "max"])), values=_Labels())
    options = fields.List(fields.Nested(_OptionSchema))
    show_if = fields.Nested(_ConditionSchema)
    max_length = fields.Integer(strict=True, validate=validate.Range(
        min=1, max=MAX_TEXT_LENGTH, error=f"Must be between 1 and {MAX_TEXT_LENGTH} characters."))
    hint = _Labels()
    display = fields.String(validate=validate.OneOf(sorted(DISPLAYS)))

    @validates_schema
    def _by_type(self, data, **kw):
        kind = data.get("type")
        if kind == "rating" and "scale" not in data:
            raise ValidationError("A rating item needs a scale.", "scale")
        if kind == "rating" and data["scale"]["min"] >= data["scale"]["max"]:
            raise ValidationError("Scale min must be below max.", "scale")
        if kind != "rating" and ("scale" in data or "scale_labels" in data):
            raise ValidationError(f"A {kind} item has no scale.", "scale")
        if kind in ("choice", "multi") and not data.get("options"):
            raise ValidationError(f"A {kind} item needs options.", "options")
        if kind not in ("choice", "multi") and "options" in data:
            raise ValidationError(f"A {kind} item has no options.", "options")
        if kind == "text" and "max_length" not in data:
            raise ValidationError("A text item needs max_length.", "max_length")
        if kind != "text" and "max_length" in data:
            raise ValidationError(f"A {kind} item has no max_length.", "max_length")
        if "display" in data and kind not in DISPLAYS[data["display"]]:
            raise ValidationError(f"display '{data['display']}' does not apply to a {kind} item.", "display")
        codes = [o["code"] for o in data.get("options", [])]
        if len(codes) != len(set(codes)):
            raise ValidationError("Option codes must be unique.", "options")


class _RefSchema(Schema):
    class Meta:
        unknown = RAISE
    id = fields.String(required=True)
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


class DefinitionSchema(Schema):
    class Meta:
        unknown = RAISE
    id = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9-]*$"))
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    title = _Labels(required=True)
    description = _Labels()
    extends = fields.Nested(_RefSchema)
    channels = fields.List(fields.String(validate=validate.OneOf(CHANNELS)))
    changes = _Labels()
    discontinued = fields.List(fields.String())
    breaks = fields.Dict(keys=fields.String(), values=_Labels())
    items = fields.List(fields.Nested(_ItemSchema), required=True, validate=validate.Length(min=1))
    harmonization = fields.Dict(keys=fields.String(), values=fields.Raw(), load_default=dict)
