from datetime import date

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from linli.assessment.service import GROUPS, LEVELS
from linli.common_schemas import Id, output

DAY_RANGE = validate.Range(date(2000, 1, 1), date(2100, 1, 1))
MONTH = validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", error="a month like 2026-11")
FORMATS = ("json", "csv", "xlsx")


class AssessmentArgs(Schema):
    group_by = fields.String(
        load_default="org",
        validate=validate.OneOf(GROUPS),
        metadata={"description": "One row per provider, per org (at `level`) or per category"},
    )
    level = fields.String(
        load_default="community",
        validate=validate.OneOf([k.value for k in LEVELS]),
        metadata={
            "description": "With group_by=org: the level whose orgs are the rows (each case "
            "counts for its org's ancestor of this kind)"
        },
    )
    org_id = Id(
        strict=False,
        metadata={
            "description": "Narrow to the cases of this org's subtree (drill-down: a district, "
            "then one of its streets, then a community); within the caller's area"
        },
    )
    period = fields.String(
        validate=MONTH,
        metadata={
            "description": "A calendar month in Asia/Shanghai, e.g. 2026-11; default: the "
            "current month. Not with from/to"
        },
    )
    from_ = fields.Date(
        data_key="from",
        validate=DAY_RANGE,
        metadata={"description": "First day (Asia/Shanghai), inclusive; with `to`"},
    )
    to = fields.Date(
        validate=DAY_RANGE,
        metadata={"description": "Last day (Asia/Shanghai), inclusive; with `from`"},
    )
    view = fields.String(
        load_default="live",
        validate=validate.OneOf(("live", "published")),
        metadata={
            "description": "live: figures as the events stand now; published: the month's "
            "table as it was frozen when published (404 if it was not)"
        },
    )
    format = fields.String(
        validate=validate.OneOf(FORMATS),
        metadata={"description": "json (default), csv or xlsx; or say it in the Accept header"},
    )
    lang = fields.String(
        load_default="zh-CN",
        validate=validate.OneOf(("zh-CN", "en")),
        metadata={"description": "Column headers and definitions of csv/xlsx: zh-CN or en"},
    )

    @validates_schema
    def _one_way_to_say_when(self, data, **_kwargs):
        has_range = "from_" in data or "to" in data
        if "period" in data and has_range:
            raise ValidationError("give a period or from/to, not both", "period")
        if has_range and not ("from_" in data and "to" in data):
            missing = "to" if "from_" in data else "from"
            raise ValidationError("from and to go together", missing)
        if has_range and data["from_"] > data["to"]:
            raise ValidationError("must be on or before to", "from")
        if has_range and (data["to"] - data["from_"]).days > 366:
            raise ValidationError("at most a year after from", "to")
        if data.get("view") == "published" and has_range:
            raise ValidationError("a published table is a month: use period", "view")


@output
class UnitOut(Schema):
    kind = fields.String(metadata={"description": "provider, org or category"})
    id = fields.Integer()
    name = fields.String(metadata={"description": "The Chinese name"})
    name_en = fields.String()
    code = fields.String(metadata={"description": "A category's code"})


RATE = "A share between 0 and 1; null when its denominator is 0 (no data, never 0 or 1). "
CYCLE = (
    "A case is judged per handling cycle (the report starts cycle 1, each reopen or appeal "
    "the next), against the clocks that cycle started with. "
)


@output
class AssessmentRowOut(Schema):
    unit = fields.Nested(UnitOut)
    cases = fields.Integer(
        metadata={
            "description": "Cases the unit handled in the period: a provider, the cases it held "
            "at some moment of it (its end included); an org or category, its cases open at "
            "some moment of it. Every other figure of a unit comes from these cases"
        }
    )
    due_for_acceptance = fields.Integer(
        metadata={
            "description": CYCLE + "Cycles whose acceptance settled in the period: accepted, "
            "or their accept deadline passed, whichever came first. It counts for the "
            "provider holding the case at that moment (a cycle in triage counts for no "
            "provider); a cycle rejected at triage before its deadline owes none"
        }
    )
    accepted_on_time = fields.Integer(
        metadata={"description": "Of due_for_acceptance, accepted by the accept deadline"}
    )
    response_rate = fields.Float(
        allow_none=True,
        metadata={"description": RATE + "accepted_on_time / due_for_acceptance"},
    )
    due_for_resolution = fields.Integer(
        metadata={
            "description": CYCLE + "Cycles whose resolution settled in the period: resolved, or "
            "their resolve deadline passed unresolved, whichever came first; for the "
            "provider holding the case then (the one that resolved it, when in time)"
        }
    )
    resolved_on_time = fields.Integer(
        metadata={"description": "Of due_for_resolution, resolved by the resolve deadline"}
    )
    resolved = fields.Integer(
        metadata={
            "description": "Of due_for_resolution, resolved and not overturned by the "
            "resident's verdict (a 'not resolved' or 1–2 star rating, or an appeal); a "
            "supervisor's reopen does not overturn"
        }
    )
    resolution_rate = fields.Float(
        allow_none=True,
        metadata={"description": RATE + "resolved / due_for_resolution"},
    )
    ratings = fields.Integer(
        metadata={
            "description": "Ratings given in the period, counted for the provider that "
            "resolved that cycle (in the app or recorded by a grid worker)"
        }
    )
    ratings_recorded = fields.Integer(
        metadata={"description": "Of ratings, recorded by a grid worker after a call or visit"}
    )
    satisfied = fields.Integer(metadata={"description": "Of ratings, 4–5 stars and resolved"})
    satisfaction_rate = fields.Float(
        allow_none=True, metadata={"description": RATE + "satisfied / ratings"}
    )
    not_rated = fields.Integer(
        metadata={
            "description": "Cases closed in the period because the rating window passed; "
            "neither satisfied nor unsatisfied, and not in ratings"
        }
    )
    median_hours_to_accept = fields.Float(
        allow_none=True,
        metadata={
            "description": "Median hours from a cycle's start to its first acceptance, over "
            "the accepted cycles of due_for_acceptance"
        },
    )
    median_hours_to_resolve = fields.Float(
        allow_none=True,
        metadata={
            "description": "Median hours from a cycle's start to its resolution, over the "
            "cycles of due_for_resolution that were resolved (overturned ones too: it is "
            "the time the unit took)"
        },
    )
    overdue = fields.Integer(
        metadata={
            "description": "Cases with a deadline missed (acceptance or resolution) "
            "among the figures above"
        }
    )
    bounces = fields.Integer(
        metadata={
            "description": "Returns the dispatcher accepted in the period, for the "
            "provider that returned the case"
        }
    )
    escalations = fields.Integer(
        metadata={
            "description": "Climbs up the ladder in the period, for the provider holding "
            "the case then"
        }
    )
    supporters = fields.Integer(
        metadata={"description": "+1s given in the period to the cases counted in cases"}
    )
    score = fields.Float(
        allow_none=True,
        metadata={
            "description": "The weighted mean of the three rates, out of 100; weights "
            "(default 10/45/45, LINLI_ASSESSMENT_WEIGHTS) of a rate without data are left "
            "out; null without any rate"
        },
    )
    rank = fields.Integer(
        allow_none=True,
        metadata={
            "description": "Position by score among the rows (1 = best; equal scores share "
            "a rank); null without a score"
        },
    )
    published_score = fields.Float(
        allow_none=True,
        metadata={"description": "Live view of a published month: the score as published"},
    )
    published_rank = fields.Integer(
        allow_none=True,
        metadata={"description": "Live view of a published month: the rank as published"},
    )


@output
class WeightsOut(Schema):
    response = fields.Float()
    resolution = fields.Float()
    satisfaction = fields.Float()


@output
class PublicationOut(Schema):
    period = fields.String()
    org_id = fields.Integer(metadata={"description": "The area published (the publisher's)"})
    org_name = fields.String()
    published_at = fields.DateTime()
    published_by = fields.String(metadata={"description": "The publishing officer's name"})


@output
class AssessmentOut(Schema):
    period = fields.String(allow_none=True, metadata={"description": "The month, if one"})
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    group_by = fields.String()
    level = fields.String()
    org_id = fields.Integer(allow_none=True, metadata={"description": "The area's root"})
    view = fields.String(metadata={"description": "live or published"})
    weights = fields.Nested(WeightsOut)
    rows = fields.List(fields.Nested(AssessmentRowOut))
    publication = fields.Nested(
        PublicationOut,
        allow_none=True,
        metadata={"description": "The publication of this month covering the caller's area"},
    )
