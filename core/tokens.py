"""Signed tokens for the links we email: a value signed for one purpose (its salt), and the two
ways reading one can fail."""

from functools import wraps

from django.core import signing


class TokenExpired(Exception):
    """The link was good but is older than its purpose allows."""


class TokenInvalid(Exception):
    """The link was not made by us, was changed, or names nothing any more."""


def token_make(value, *, salt: str, compress: bool = False) -> str:
    return signing.dumps(value, salt=salt, compress=compress)


def token_read(token: str, *, salt: str, max_age: int | None):
    """The signed value; TokenExpired past `max_age` seconds, TokenInvalid if not ours."""
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as error:
        raise TokenExpired from error
    except (signing.BadSignature, TypeError, ValueError) as error:
        raise TokenInvalid from error


def signed_link(read, *, expired, invalid):
    """For a view taking a link's token: give it what `read(token)` finds in the token instead,
    or answer with `expired(request)` (a page saying so, 410) or `invalid(request)` (400)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, token):
            try:
                value = read(token)
            except TokenExpired:
                return expired(request)
            except TokenInvalid:
                return invalid(request)
            return view(request, value)

        return wrapper

    return decorator
