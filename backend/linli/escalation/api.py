from flask_jwt_extended import jwt_required
from flask_smorest import Blueprint

from linli.accounts.models import Role
from linli.accounts.permissions import require_city_admin, require_role
from linli.accounts.service import current_actor
from linli.categories.service import category_by_code
from linli.db import utcnow
from linli.escalation import calendar, service
from linli.escalation.schemas import (
    CalendarDayIn,
    CalendarDayOut,
    CalendarYearArgs,
    CalendarYearOut,
    NationalImportIn,
    NationalImportOut,
    SlaPolicyIn,
    SlaPolicyOut,
)

blp = Blueprint("sla", __name__, url_prefix="/sla-policies", description="SLA policies")


@blp.route("")
@jwt_required()
@blp.response(200, SlaPolicyOut(many=True))
def list_policies():
    """Configured policies (categories without one use the default row, then 2 h/24 h and 24 h/7 d)."""
    return service.list_policies()


@blp.route("", methods=["PUT"])
@jwt_required()
@blp.arguments(SlaPolicyIn)
@blp.response(200, SlaPolicyOut)
def set_policy(data):
    """Admins set accept/resolve durations for a category × priority (no category: the default)."""
    require_city_admin(current_actor())
    category = category_by_code(data["category"]) if data.get("category") else None
    return service.set_policy(
        category_id=category.id if category else None,
        priority=data["priority"],
        accept_within_minutes=data["accept_within_minutes"],
        resolve_within_minutes=data["resolve_within_minutes"],
        actor=current_actor(),
        now=utcnow(),
    )


calendar_blp = Blueprint(
    "calendar", __name__, url_prefix="/calendar", description="Working calendar of SLA clocks"
)


def _year(year: int) -> dict:
    first, last = calendar.national_years()
    return {
        "year": year,
        "days": calendar.days_of_year(year),
        "national_first_year": first,
        "national_last_year": last,
        "in_use": calendar.working_calendar() is not None,
    }


@calendar_blp.route("")
@jwt_required()
@calendar_blp.arguments(CalendarYearArgs, location="query")
@calendar_blp.response(200, CalendarYearOut)
def calendar_year(args):
    """A year's holidays and make-up working days (administrators)."""
    require_role(current_actor(), Role.ADMIN)
    return _year(args["year"])


@calendar_blp.route("/days/<string:day>", methods=["PUT"])
@jwt_required()
@calendar_blp.arguments(CalendarDayIn)
@calendar_blp.response(200, CalendarDayOut)
def set_day(data, day):
    """Make a date (YYYY-MM-DD, Asia/Shanghai) a holiday or a make-up working day."""
    require_city_admin(current_actor())
    return calendar.set_day(
        calendar.parse_day(day), data["kind"], data["note"], actor=current_actor(), now=utcnow()
    )


@calendar_blp.route("/days/<string:day>", methods=["DELETE"])
@jwt_required()
@calendar_blp.response(204)
def remove_day(day):
    """The date is again what its weekday says."""
    require_city_admin(current_actor())
    calendar.remove_day(calendar.parse_day(day), actor=current_actor(), now=utcnow())


@calendar_blp.route("/national-import", methods=["POST"])
@jwt_required()
@calendar_blp.arguments(NationalImportIn)
@calendar_blp.response(200, NationalImportOut)
def national_import(data):
    """Fill in a year from the national holiday calendar (hand-entered other days are kept)."""
    require_city_admin(current_actor())
    changed = calendar.import_national_year(data["year"], actor=current_actor(), now=utcnow())
    return {**_year(data["year"]), "changed": changed}
