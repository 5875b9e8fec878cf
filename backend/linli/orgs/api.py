from flask_jwt_extended import jwt_required
from flask_smorest import Blueprint

from linli.accounts.service import current_actor
from linli.db import utcnow
from linli.orgs import service, tree
from linli.orgs.schemas import (
    BuildingIn,
    BuildingOut,
    BuildingPatch,
    HouseholdIn,
    HouseholdOut,
    OrgIn,
    OrgListArgs,
    OrgOut,
    OrgPatch,
)

blp = Blueprint("orgs", __name__, url_prefix="/orgs", description="The org tree and its homes")
homes_blp = Blueprint("homes", __name__, url_prefix="", description="Buildings and households")


@blp.route("")
@blp.arguments(OrgListArgs, location="query")
@blp.response(200, OrgOut(many=True))
def list_orgs(args):
    """The org tree as a flat list (public: residents pick their community when registering)."""
    return service.list_orgs(args.get("parent_id"), include_inactive=args["include_inactive"])


@blp.route("", methods=["POST"])
@jwt_required()
@blp.arguments(OrgIn)
@blp.response(201, OrgOut)
def create_org(data):
    """An admin adds a node under one of their subtree."""
    parent = service.get_org_or_404(data.pop("parent_id"))
    return tree.create_node(current_actor(), parent, **data, now=utcnow())


@blp.route("/<int:org_id>", methods=["PATCH"])
@jwt_required()
@blp.arguments(OrgPatch)
@blp.response(200, OrgOut)
def update_org(data, org_id):
    """Rename, move (every descendant follows, in one transaction) or deactivate a node."""
    actor = current_actor()
    return tree.update_node(actor, tree.get_administered_org(actor, org_id), data, now=utcnow())


@blp.route("/<int:org_id>/buildings")
@jwt_required()
@blp.response(200, BuildingOut(many=True))
def list_buildings(org_id):
    """Buildings and households of a grid in the caller's scope, for door-to-door rounds and
    for saying where a need is; residents of its community get the buildings only."""
    return service.buildings_in_scope(current_actor(), org_id)


@blp.route("/<int:org_id>/buildings", methods=["POST"])
@jwt_required()
@blp.arguments(BuildingIn)
@blp.response(201, BuildingOut)
def create_building(data, org_id):
    """An admin adds a building (and its households) to a grid of their subtree."""
    actor = current_actor()
    grid = tree.get_administered_org(actor, org_id)
    return tree.create_building(actor, grid, data["name"], data["households"], now=utcnow())


@homes_blp.route("/buildings/<int:building_id>", methods=["PATCH"])
@jwt_required()
@homes_blp.arguments(BuildingPatch)
@homes_blp.response(200, BuildingOut)
def rename_building(data, building_id):
    actor = current_actor()
    building = tree.get_administered_building(actor, building_id)
    return tree.rename_building(actor, building, data["name"], now=utcnow())


@homes_blp.route("/buildings/<int:building_id>", methods=["DELETE"])
@jwt_required()
@homes_blp.response(204)
def delete_building(building_id):
    """Remove a building and its households; 409 when a case or a visit names one of them."""
    actor = current_actor()
    tree.delete_building(actor, tree.get_administered_building(actor, building_id), now=utcnow())


@homes_blp.route("/buildings/<int:building_id>/households", methods=["POST"])
@jwt_required()
@homes_blp.arguments(HouseholdIn)
@homes_blp.response(201, HouseholdOut)
def add_household(data, building_id):
    actor = current_actor()
    building = tree.get_administered_building(actor, building_id)
    return tree.add_household(actor, building, data["label"], now=utcnow())


@homes_blp.route("/households/<int:household_id>", methods=["PATCH"])
@jwt_required()
@homes_blp.arguments(HouseholdIn)
@homes_blp.response(200, HouseholdOut)
def rename_household(data, household_id):
    actor = current_actor()
    household = tree.get_administered_household(actor, household_id)
    return tree.rename_household(actor, household, data["label"], now=utcnow())


@homes_blp.route("/households/<int:household_id>", methods=["DELETE"])
@jwt_required()
@homes_blp.response(204)
def delete_household(household_id):
    """Remove a household; 409 when a case or a visit names it."""
    actor = current_actor()
    tree.delete_household(actor, tree.get_administered_household(actor, household_id), now=utcnow())
