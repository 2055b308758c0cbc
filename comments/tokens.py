"""Signed, expiring tokens for the links in comment emails, each kind with its own salt."""

from django.conf import settings

from core.tokens import TokenExpired, TokenInvalid, token_make, token_read

CONFIRM_SALT = "ewview.comments.confirm"
MUTE_SALT = "ewview.comments.mute"
# The page after posting: what became of the comment, for its poster only.
SENT_SALT = "ewview.comments.sent"

__all__ = [
    "CONFIRM_SALT",
    "MUTE_SALT",
    "SENT_SALT",
    "TokenExpired",
    "TokenInvalid",
    "make_token",
    "read_token",
]


def make_token(value, *, salt: str) -> str:
    return token_make(value, salt=salt, compress=True)


def read_token(token: str, *, salt: str):
    """The signed value; TokenExpired past COMMENTS_TOKEN_MAX_AGE, TokenInvalid if tampered."""
    return token_read(token, salt=salt, max_age=settings.COMMENTS_TOKEN_MAX_AGE)
