"""Signed, expiring tokens for the links in comment emails, each kind with its own salt."""

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "ewview.comments.confirm"
MUTE_SALT = "ewview.comments.mute"


class TokenExpired(Exception):
    pass


class TokenInvalid(Exception):
    pass


def make_token(value, *, salt: str) -> str:
    return signing.dumps(value, salt=salt, compress=True)


def read_token(token: str, *, salt: str):
    """The signed value; TokenExpired past COMMENTS_TOKEN_MAX_AGE, TokenInvalid if tampered."""
    try:
        return signing.loads(token, salt=salt, max_age=settings.COMMENTS_TOKEN_MAX_AGE)
    except signing.SignatureExpired as error:
        raise TokenExpired from error
    except signing.BadSignature as error:
        raise TokenInvalid from error
