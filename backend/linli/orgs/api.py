from flask_jwt_extended import jwt_required
from flask_smorest import Blueprint

from linli.accounts.service import current_actor
from linli.orgs import service
from linli.orgs.schemas import BuildingOut, OrgListArgs, OrgOut

blp = Blueprint("orgs", __name__, url_prefix="/orgs", description="The org tree and its homes")


@blp.route("")
@blp.arguments(OrgListArgs, location="query")
@blp.response(200, OrgOut(many=True))
def list_orgs(args):
    """The org tree as a flat list (public: residents pick their community when registering)."""
    return service.list_orgs(args.get("parent_id"))


@blp.route("/<int:org_id>/buildings")
@jwt_required()
@blp.response(200, BuildingOut(many=True))
def list_buildings(org_id):
    """Buildings and households of a grid in the caller's scope, for door-to-door rounds."""
    return service.buildings_in_scope(current_actor(), org_id)
