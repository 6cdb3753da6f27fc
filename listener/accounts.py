"""Password sign-in for people: argon2id hashes, the password rules, and login throttling.

A password is hashed with argon2id (``argon2-cffi``'s defaults, RFC 9106's low-memory profile); a
hash made with older parameters is re-hashed on the next successful sign-in. Failed sign-ins are
stored per e-mail address and client address (``login_failure``): after ``MAX_FAILURES`` within
``WINDOW`` that pair is refused (HTTP 429) until the oldest failure leaves the window, whether or
not the next password is right. A success clears the pair's failures.
"""

from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from listener.errors import ListenerError, Unprocessable
from listener.storage.base import utcnow
from listener.storage.people_models import LoginFailure, User

MIN_LENGTH = 10
MAX_LENGTH = 1024
MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
_hasher = PasswordHasher()
# verified against when the address is unknown, so a wrong address costs as long as a wrong password
_DUMMY = _hasher.hash("not a password anyone has")


class TooManyAttempts(ListenerError):
    """Too many failed sign-ins for this address from this client; ``retry_after`` in seconds."""

    status_code = 429
    code = "too_many_attempts"

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, (retry_after + 59) // 60)
        super().__init__(f"too many failed sign-ins; try again in {minutes} minute(s)")
        self.retry_after = retry_after


def check_password_rules(password: str) -> None:
    """Unprocessable unless ``password`` is 10 to 1024 characters and not only spaces."""
    if len(password.strip()) < MIN_LENGTH:
        raise Unprocessable(
            f"a password needs at least {MIN_LENGTH} characters", details=[{"field": "password"}]
        )
    if len(password) > MAX_LENGTH:
        raise Unprocessable(f"a password is at most {MAX_LENGTH} characters", details=[{"field": "password"}])


def set_password(user: User, password: str) -> None:
    """Check the rules and store ``password``'s argon2id hash on ``user``."""
    check_password_rules(password)
    user.password_hash = _hasher.hash(password)
    user.password_changed_at = utcnow()


def _verify(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def _throttle(session: Session, email: str, ip: str) -> None:
    since = utcnow() - WINDOW
    where = (LoginFailure.email == email, LoginFailure.ip == ip, LoginFailure.at >= since)
    count, oldest = session.execute(select(func.count(), func.min(LoginFailure.at)).where(*where)).one()
    if count >= MAX_FAILURES:
        raise TooManyAttempts(max(1, int((oldest + WINDOW - utcnow()).total_seconds())))


def sign_in(session: Session, email: str, password: str, ip: str) -> User | None:
    """The active user whose e-mail and password these are, or None (the failure is recorded);
    TooManyAttempts once the address has failed ``MAX_FAILURES`` times from ``ip`` in ``WINDOW``."""
    address = email.strip().casefold()[:254]
    ip = (ip or "unknown")[:64]
    _throttle(session, address, ip)
    user = session.scalar(select(User).where(User.email == address))
    ok = _verify(user.password_hash if user else None, password[:MAX_LENGTH])
    if not ok or user is None or not user.active:
        session.add(LoginFailure(email=address, ip=ip, at=utcnow()))
        session.flush()
        return None
    if _hasher.check_needs_rehash(user.password_hash or ""):
        user.password_hash = _hasher.hash(password)
    session.execute(delete(LoginFailure).where(LoginFailure.email == address, LoginFailure.ip == ip))
    session.execute(delete(LoginFailure).where(LoginFailure.at < utcnow() - WINDOW))
    user.last_login_at = utcnow()
    session.flush()
    return user
