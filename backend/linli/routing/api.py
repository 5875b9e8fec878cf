from flask_jwt_extended import jwt_required
from flask_smorest import Blueprint

from linli.accounts.models import Role
from linli.accounts.permissions import require_role
from linli.accounts.service import current_actor
from linli.cases.schemas import CoTaskOut, CoTaskPage
from linli.cases.scope import get_case_for
from linli.categories.service import category_by_code
from linli.db import utcnow
from linli.idempotency import idempotent
from linli.openapi import enum_path_parameter
from linli.orgs.service import get_org_or_404
from linli.routing import responsibilities, service, tasks
from linli.routing.rules import bounced_providers, choose_provider
from linli.routing.schemas import (
    AdministeredProviderArgs,
    ProviderIn,
    ProviderListArgs,
    ProviderLoadOut,
    ProviderOut,
    ProviderPatch,
    ResponsibilityIn,
    ResponsibilityOut,
    RoutingOut,
    TaskActionIn,
    TaskListArgs,
)
from linli.routing.tasks import TaskAction

blp = Blueprint("providers", __name__, url_prefix="/providers", description="Service providers")
tasks_blp = Blueprint("tasks", __name__, url_prefix="/tasks", description="Joint-handling co-tasks")
routing_blp = Blueprint("routing", __name__, url_prefix="/cases", description="Routing advice")
duties_blp = Blueprint(
    "responsibilities",
    __name__,
    url_prefix="/responsibilities",
    description="The responsibility list: standing lead and co-units per category and area",
)

ROUTING_ROLES = (Role.GRID_WORKER, Role.DISPATCHER, Role.OFFICER, Role.ADMIN)


@blp.route("")
@jwt_required()
@blp.arguments(ProviderListArgs, location="query")
@blp.response(200, ProviderOut(many=True))
def list_providers(args):
    """Active providers covering `org_id` for `category` (both optional)."""
    category = category_by_code(args["category"]) if "category" in args else None
    org = get_org_or_404(args["org_id"]) if "org_id" in args else None
    return service.providers_covering(category, org)


@blp.route("/administered")
@jwt_required()
@blp.arguments(AdministeredProviderArgs, location="query")
@blp.response(200, ProviderLoadOut(many=True))
def administered_providers(args):
    """The providers the admin administers (all their coverage in the admin's area), inactive
    ones too, each with its open cases against its capacity."""
    return service.administered_providers(
        current_actor(), q=args.get("q"), include_inactive=args["include_inactive"]
    )


@blp.route("", methods=["POST"])
@jwt_required()
@blp.arguments(ProviderIn)
@blp.response(201, ProviderLoadOut)
def register_provider(data):
    """Admins register a provider: categories by code, coverage by org id in their area."""
    return service.register_provider(data, actor=current_actor(), now=utcnow())


@blp.route("/<int:provider_id>", methods=["PATCH"])
@jwt_required()
@blp.arguments(ProviderPatch)
@blp.response(200, ProviderLoadOut)
def update_provider(data, provider_id):
    """Admins change a provider of their area (e.g. `active: false` takes it out of routing)."""
    actor = current_actor()
    provider = service.get_administered_provider(actor, provider_id)
    return service.update_provider(provider, data, actor=actor, now=utcnow())


@routing_blp.route("/<uuid:case_id>/routing")
@jwt_required()
@routing_blp.response(200, RoutingOut)
def routing_advice(case_id):
    """Who could take this case now, and which one the routing rule would pick."""
    actor = current_actor()
    require_role(actor, *ROUTING_ROLES)
    case = get_case_for(actor, case_id)
    decision = choose_provider(case.category, case.org, exclude=bounced_providers(case))
    decision.preset = responsibilities.preset_for(case)
    return decision


@duties_blp.route("")
@jwt_required()
@duties_blp.response(200, ResponsibilityOut(many=True))
def list_responsibilities():
    """The lines of the admin's area (a city admin's: all, city-wide ones too)."""
    return responsibilities.listed_for(current_actor())


@duties_blp.route("", methods=["PUT"])
@jwt_required()
@duties_blp.arguments(ResponsibilityIn)
@duties_blp.response(200, ResponsibilityOut)
def set_responsibility(data):
    """Write the line for a category in an org's subtree of the admin's area."""
    return responsibilities.set_line(current_actor(), data, now=utcnow())


@duties_blp.route("/<int:line_id>", methods=["DELETE"])
@jwt_required()
@duties_blp.response(204)
def remove_responsibility(line_id):
    """Remove a line of the admin's area: coordinating then starts from the line above, if any."""
    responsibilities.remove_line(current_actor(), line_id, now=utcnow())


@tasks_blp.route("")
@jwt_required()
@tasks_blp.arguments(TaskListArgs, location="query")
@tasks_blp.response(200, CoTaskPage)
def list_tasks(args):
    """The co-tasks of the caller's provider, searched by their cases (`q`), soonest deadline
    first unless `sort` says otherwise, keyset cursor."""
    items, next_cursor = tasks.tasks_of_provider(
        current_actor(),
        states=args.get("state"),
        q=args.get("q"),
        order=args["sort"],
        limit=args["limit"],
        cursor=args.get("cursor"),
    )
    return {"items": items, "next_cursor": next_cursor}


@tasks_blp.route(
    "/<int:task_id>/actions/<string:action>",
    methods=["POST"],
    parameters=[enum_path_parameter("action", TaskAction, "A task action (else 404)")],
)
@jwt_required()
@idempotent()
@tasks_blp.arguments(TaskActionIn)
@tasks_blp.response(200, CoTaskOut)
def act_on_task(data, task_id, action):
    """A co-unit accepts, completes or returns (with a reason) its task."""
    note = data.get("reason") or data.get("note") or ""
    return tasks.act_on_task(current_actor(), task_id, action, note=note, now=utcnow())
