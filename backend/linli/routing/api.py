from flask_jwt_extended import jwt_required
from flask_smorest import Blueprint

from linli.categories.service import category_by_code
from linli.orgs.service import get_org_or_404
from linli.routing import service
from linli.routing.schemas import ProviderListArgs, ProviderOut

blp = Blueprint("providers", __name__, url_prefix="/providers", description="Service providers")


@blp.route("")
@jwt_required()
@blp.arguments(ProviderListArgs, location="query")
@blp.response(200, ProviderOut(many=True))
def list_providers(args):
    """Active providers covering `org_id` for `category` (both optional)."""
    category = category_by_code(args["category"]) if "category" in args else None
    org = get_org_or_404(args["org_id"]) if "org_id" in args else None
    return service.providers_covering(category, org)
