from datetime import date

from marshmallow import Schema, fields, validate
from webargs.fields import DelimitedList

from linli.analytics.service import MONTH, RECURRING_THRESHOLD, WEEK
from linli.common_schemas import output

DIMENSIONS = ("category", "org")
LEVELS = ("community", "street", "district")
GRANULARITIES = (WEEK, MONTH)
DAY_RANGE = validate.Range(date(2000, 1, 1), date(2100, 1, 1))


class DemandArgs(Schema):
    by = DelimitedList(
        fields.String(validate=validate.OneOf(DIMENSIONS)),
        load_default=list(DIMENSIONS),
        validate=validate.Length(min=1),
        metadata={
            "description": "What `series` is grouped by besides the period: "
            "category, org or both (comma-separated)"
        },
    )
    level = fields.String(
        load_default="community",
        validate=validate.OneOf(LEVELS),
        metadata={
            "description": "The org level `series` groups by: each case counts for "
            "its org's ancestor of this kind"
        },
    )
    granularity = fields.String(
        load_default=MONTH,
        validate=validate.OneOf(GRANULARITIES),
        metadata={
            "description": "ISO weeks (Monday first, `2026-W48`) or calendar months "
            "(`2026-11`), in Asia/Shanghai"
        },
    )
    from_ = fields.Date(
        data_key="from",
        validate=DAY_RANGE,
        metadata={
            "description": "First day (Asia/Shanghai), inclusive; default: the first "
            "of the month eleven months before `to` (twelve calendar months)"
        },
    )
    to = fields.Date(
        validate=DAY_RANGE,
        metadata={
            "description": "Last day (Asia/Shanghai), inclusive; default: today. At "
            "most 3 years (weeks) or 10 years (months) after `from`, less one day"
        },
    )


@output
class CategoryRef(Schema):
    code = fields.String()
    name_zh = fields.String()
    name_en = fields.String()


@output
class OrgRef(Schema):
    id = fields.Integer()
    name = fields.String()


@output
class PlaceRef(Schema):
    kind = fields.String(
        validate=validate.OneOf(("building", "grid")),
        metadata={
            "description": "building: cases of its households; grid: cases reported "
            "in the grid without a household"
        },
    )
    id = fields.Integer(metadata={"description": "The building's id or the grid org's id"})
    name = fields.String()


@output
class PeriodOut(Schema):
    period = fields.String(metadata={"description": "`2026-W48` or `2026-11`"})
    starts_at = fields.DateTime(
        metadata={"description": "The period's first Shanghai midnight within the range, UTC"}
    )
    ends_at = fields.DateTime(metadata={"description": "Exclusive, UTC"})


@output
class SeriesRow(Schema):
    period = fields.String()
    category = fields.Nested(
        CategoryRef, allow_none=True, metadata={"description": "null unless `by` has category"}
    )
    org = fields.Nested(
        OrgRef,
        allow_none=True,
        metadata={
            "description": "The case org's ancestor of kind `level`; null unless `by` has org"
        },
    )
    cases = fields.Integer(
        metadata={"description": "Cases created in the period (any state), in your area"}
    )
    supporters = fields.Integer(
        metadata={"description": "+1s (supports) on those cases, whenever given"}
    )


@output
class UnmetNeedRow(Schema):
    community = fields.Nested(OrgRef)
    category = fields.Nested(CategoryRef)
    cases = fields.Integer(
        metadata={
            "description": "Open cases (submitted, assigned, in progress, returned) "
            "that routing flagged as unmet when they came in, or that no active "
            "provider serving the category covers where they are now"
        }
    )
    oldest_waiting_hours = fields.Float(
        metadata={"description": "Hours since the oldest of them was reported (one decimal)"}
    )
    median_waiting_hours = fields.Float(
        metadata={"description": "Median hours since they were reported (one decimal)"}
    )


@output
class SupplyRow(Schema):
    community = fields.Nested(OrgRef)
    category = fields.Nested(CategoryRef)
    providers = fields.Integer(
        metadata={
            "description": "Active providers serving the category whose coverage "
            "includes the whole community (those covering only some of its grids "
            "are not counted)"
        }
    )
    capacity = fields.Integer(
        metadata={
            "description": "Their capacities added up; a provider covering several "
            "communities counts in full in each"
        }
    )
    open_load = fields.Integer(
        metadata={
            "description": "Their cases assigned, in progress or returned, wherever "
            "they are (a provider's capacity is for all its places)"
        }
    )
    open_demand = fields.Integer(
        metadata={"description": "Open cases of the category in the community, in your area"}
    )
    unassigned_demand = fields.Integer(
        metadata={"description": "Of those, the ones no provider holds yet"}
    )
    gap = fields.Integer(
        metadata={
            "description": "max(0, unassigned_demand − max(0, capacity − open_load)): "
            "waiting cases the spare capacity cannot take. Assigned cases are left "
            "out: they already count in open_load"
        }
    )


@output
class RecurringRow(Schema):
    place = fields.Nested(PlaceRef)
    category = fields.Nested(CategoryRef)
    cases = fields.Integer(
        metadata={
            "description": f"Cases (any state) of the category at the place created in "
            f"the 90 days before the end of `to`; listed from {RECURRING_THRESHOLD}"
        }
    )
    case_ids = fields.List(
        fields.UUID(), metadata={"description": "The latest 20 of them, oldest first"}
    )
    openable_case_ids = fields.List(
        fields.UUID(),
        metadata={
            "description": "Of case_ids, those the caller may open (an officer opens the "
            "cases that have climbed to their level; the rest are handled below)"
        },
    )


@output
class DemandOut(Schema):
    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()
    granularity = fields.String()
    level = fields.String()
    by = fields.List(fields.String())
    periods = fields.List(
        fields.Nested(PeriodOut),
        metadata={
            "description": "Every period of the range, oldest first, also those without cases"
        },
    )
    series = fields.List(
        fields.Nested(SeriesRow),
        metadata={"description": "One row per period × group with at least one case"},
    )
    unmet_needs = fields.List(fields.Nested(UnmetNeedRow))
    supply_vs_demand = fields.List(
        fields.Nested(SupplyRow),
        metadata={
            "description": "Per community × category with providers or open demand; "
            "communities of your area and the one it lies in"
        },
    )
    recurring_needs = fields.List(
        fields.Nested(RecurringRow),
        metadata={
            "description": "Candidates for acting before complaints: the same need again and again at one "
            "place; most cases first"
        },
    )
