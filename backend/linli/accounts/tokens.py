"""flask-jwt-extended callbacks: who a token names, whether it is revoked, errors as problems."""

from flask_jwt_extended.exceptions import JWTDecodeError

from linli.accounts import service
from linli.errors import problem
from linli.extensions import jwt


@jwt.user_lookup_loader
def _load_user(_header, payload):
    return service.load_token_user(payload["sub"])


@jwt.token_in_blocklist_loader
def _is_revoked(_header, payload):
    # The first check on a decoded token: refuse one we could neither revoke nor look up (401).
    reason = service.malformed_token_reason(payload)
    if reason:
        raise JWTDecodeError(reason)
    return service.is_token_revoked(payload)


@jwt.unauthorized_loader
def _missing_token(reason):
    return problem(401, f"sign in first ({reason})", headers={"WWW-Authenticate": "Bearer"})


@jwt.invalid_token_loader
def _invalid_token(reason):
    return problem(401, f"invalid token ({reason})", headers={"WWW-Authenticate": "Bearer"})


@jwt.expired_token_loader
def _expired_token(_header, _payload):
    return problem(401, "token has expired", headers={"WWW-Authenticate": "Bearer"})


@jwt.revoked_token_loader
def _revoked_token(_header, _payload):
    return problem(401, "token has been revoked", headers={"WWW-Authenticate": "Bearer"})


@jwt.user_lookup_error_loader
def _unknown_user(_header, _payload):
    return problem(401, "account no longer active", headers={"WWW-Authenticate": "Bearer"})


@jwt.token_verification_failed_loader
def _failed_verification(_header, _payload):
    return problem(401, "token rejected", headers={"WWW-Authenticate": "Bearer"})
