from flask_jwt_extended import jwt_required
from flask_smorest import Blueprint

from linli.accounts.permissions import require_city_admin
from linli.accounts.service import current_actor
from linli.categories import service
from linli.categories.schemas import CategoryIn, CategoryListArgs, CategoryOut, CategoryPatch
from linli.db import utcnow

blp = Blueprint("categories", __name__, url_prefix="/categories", description="Service categories")


@blp.route("")
@blp.arguments(CategoryListArgs, location="query")
@blp.response(200, CategoryOut(many=True))
def list_categories(args):
    """Active categories (or all of them), in display order, with their extra questions (public)."""
    return service.list_categories(include_inactive=args["include_inactive"])


@blp.route("", methods=["POST"])
@jwt_required()
@blp.arguments(CategoryIn)
@blp.response(201, CategoryOut)
def add_category(data):
    require_city_admin(current_actor())
    return service.add_category(**data, actor=current_actor(), now=utcnow())


@blp.route("/<string:code>", methods=["PATCH"])
@jwt_required()
@blp.arguments(CategoryPatch)
@blp.response(200, CategoryOut)
def update_category(data, code):
    """Rename, deactivate (or reactivate), reorder, or change the extra questions; existing
    cases keep their category and answers."""
    require_city_admin(current_actor())
    return service.update_category(code, data, actor=current_actor(), now=utcnow())
