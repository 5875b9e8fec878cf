"""Password hashing with Argon2id (argon2-cffi)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

# "fast" exists for the test suite only: real hashes use the library's defaults.
_HASHERS = {
    "standard": PasswordHasher(),
    "fast": PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
}


def _hasher() -> PasswordHasher:
    return _HASHERS[current_app.config["PASSWORD_HASH_PROFILE"]]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_DUMMY_HASHES: dict[str, str] = {}


def dummy_verify(password: str) -> None:
    """Spend a verification on an unknown username, so it answers as slowly as a wrong password."""
    profile = current_app.config["PASSWORD_HASH_PROFILE"]
    if profile not in _DUMMY_HASHES:
        _DUMMY_HASHES[profile] = _hasher().hash("not-a-real-password")
    verify_password(_DUMMY_HASHES[profile], password)
