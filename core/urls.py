"""Reversing URLs that listings build by the dozen."""

from functools import lru_cache

from django.urls import get_script_prefix, reverse


def reverse_cached(viewname: str, *args, **kwargs) -> str:
    """`reverse()`, remembered per process: an address depends only on its arguments.

    Django's reverse() costs tens of microseconds; a page of cards asks for dozens of the same
    section, author and article addresses, and every page for the header's and footer's.
    """
    return _reverse(viewname, args, tuple(sorted(kwargs.items())), get_script_prefix())


# Keyed by the script prefix too: a site mounted under a path has addresses of its own. The URL
# configuration is the project's one (no view sets request.urlconf).
@lru_cache(maxsize=50_000)
def _reverse(viewname, args, kwargs, script_prefix) -> str:
    return reverse(viewname, args=args or None, kwargs=dict(kwargs) or None)
