"""What the GeoReport v2 endpoints take (form and query fields) and the key API's schemas."""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from linli.common_schemas import Id, Instant, Required, Text, output


class CommaList(fields.Field):
    """`a,b,c` (the spec's way of sending several values), as a list of non-empty items."""

    def __init__(self, *, max_items: int, item_length: int, choices=None, **kwargs):
        super().__init__(**kwargs)
        self.max_items, self.item_length, self.choices = max_items, item_length, choices

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError("a comma-separated list")
        items = [item.strip() for item in value.split(",") if item.strip()]
        if not items or len(items) > self.max_items:
            raise ValidationError(f"1 to {self.max_items} comma-separated values")
        if any(len(item) > self.item_length for item in items):
            raise ValidationError(f"each value at most {self.item_length} characters")
        if self.choices and not set(items) <= set(self.choices):
            raise ValidationError(f"each one of {', '.join(self.choices)}")
        return items


class RequestCreate(Schema):
    """POST requests: the spec's form fields (api_key is checked before this)."""

    class Meta:
        unknown = (
            EXCLUDE  # jurisdiction_id, device_id, attribute[...]: read elsewhere or not at all
        )

    service_code = Required(40)
    lat = fields.Float(validate=validate.Range(-90, 90))
    long = fields.Float(validate=validate.Range(-180, 180))
    address_string = Text(300)
    address_id = Text(60)
    description = Text(4000)
    media_url = fields.Url(validate=validate.Length(max=500), schemes={"http", "https"})
    email = fields.Email(validate=validate.Length(max=120))
    first_name = Text(40)
    last_name = Text(40)
    phone = Text(20)

    @validates_schema
    def _located(self, data, **_kwargs):
        if ("lat" in data) != ("long" in data):
            raise ValidationError("send both lat and long", "lat" if "lat" not in data else "long")
        named = {k for k in ("address_string", "address_id") if (data.get(k) or "").strip()}
        if "lat" not in data and not named:
            raise ValidationError("lat and long, address_string or address_id", "location")


class RequestListArgs(Schema):
    class Meta:
        unknown = EXCLUDE  # jurisdiction_id, api_key, locale

    service_request_id = CommaList(max_items=100, item_length=20)
    service_code = CommaList(max_items=50, item_length=40)
    start_date = Instant()
    end_date = Instant()
    status = CommaList(max_items=2, item_length=6, choices=("open", "closed"))
    page = fields.Integer(load_default=1, validate=validate.Range(1, 100_000))
    page_size = fields.Integer(validate=validate.Range(1, 1000))


# --- the key API (admins) --------------------------------------------------------------------


class KeyCreate(Schema):
    name = Required(80)
    community_id = Id(
        required=True, metadata={"description": "Where the app's reports go (a community)"}
    )
    rate_limit = Text(
        60,
        min_length=1,
        metadata={"description": "flask-limiter notation; default 60 per minute;1000 per day"},
    )


@output
class KeyOut(Schema):
    id = fields.Integer()
    name = fields.String()
    community_id = fields.Integer()
    rate_limit = fields.String()
    created_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)


@output
class KeyIssued(KeyOut):
    api_key = fields.String(
        metadata={"description": "The key itself: shown this once, never stored in clear"}
    )
