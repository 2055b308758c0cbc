"""Old WordPress links keep working: redirected (301) to the new addresses of what was imported.

It costs nothing on the site's own pages: the database is asked only when a request would
otherwise be a 404, or when the front page is asked for with a WordPress query (`/?p=123`).
Placed before the page cache, whose stored front page would otherwise answer `/?p=123` (the
cache leaves unknown parameters out of its keys).
"""

import logging

from django.db import DatabaseError
from django.http import Http404, HttpResponsePermanentRedirect

from .redirects import QUERY_KINDS, path_target, query_target

logger = logging.getLogger(__name__)
_QUERY_NAMES = {*QUERY_KINDS, "tag"}


class OldAddressRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in {"GET", "HEAD"}:
            return self.get_response(request)
        if request.path == "/" and not _QUERY_NAMES.isdisjoint(request.GET.keys()):
            if target := query_target(request.GET):
                return HttpResponsePermanentRedirect(target)
            # As on WordPress: an address naming a post that is not there is not the front page.
            raise Http404("No such WordPress item")
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        try:
            target = path_target(request.path)
        except DatabaseError:
            # Only a fallback: a lookup that fails leaves the 404 as it was, never a 500.
            logger.warning("Old address lookup failed for %s", request.path, exc_info=True)
            return response
        return HttpResponsePermanentRedirect(target) if target else response
