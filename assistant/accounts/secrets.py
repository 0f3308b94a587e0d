"""Password hashing (Argon2id) and opaque random secrets stored only as SHA-256 digests."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id, library defaults (RFC 9106 low-memory profile)
_DUMMY = _hasher.hash("khong-phai-mat-khau-that")


# Argon2 costs ~50 ms of CPU and 64 MB per call: it runs on its own two threads, never on the event loop nor on the
# thread pool that serves asks, so a flood of logins queues here instead of stalling answers.
HASHING = ThreadPoolExecutor(max_workers=2, thread_name_prefix="argon2")


async def verify_password_async(stored: str | None, password: str) -> bool:
    return await asyncio.wrap_future(HASHING.submit(verify_password, stored, password))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Constant work whether or not the user exists, so timing does not reveal user names."""
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def digest(secret: str) -> str:
    """Tokens are long random values, so a fast hash is enough (no dictionary to attack)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_token(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def new_link_code() -> str:
    """80 random bits as 16 unambiguous capitals/digits, shown in groups: 'K7QX-M2PA-…'."""
    raw = base64.b32encode(secrets.token_bytes(10)).decode()
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalise_link_code(typed: str) -> str:
    """What a person types into Telegram: spaces, dashes and lower case do not matter."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())
