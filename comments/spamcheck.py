"""An optional outside spam check behind one small interface (Akismet when a key is set)."""

import logging
import urllib.parse
import urllib.request
from functools import cache
from typing import Protocol

from django.conf import settings

logger = logging.getLogger(__name__)


class SpamChecker(Protocol):
    def is_spam(self, *, text: str, email: str, url: str, ip: str) -> bool: ...


class NoSpamCheck:
    """The default: rely on our own rules only."""

    def is_spam(self, *, text: str, email: str, url: str, ip: str) -> bool:
        return False


class Akismet:
    """Asks Akismet's comment-check API; any failure counts as "not spam" so comments still flow."""

    endpoint = "https://{key}.rest.akismet.com/1.1/comment-check"

    def __init__(self, *, api_key: str, site_url: str, timeout: float = 3.0):
        self.api_key = api_key
        self.site_url = site_url
        self.timeout = timeout

    def is_spam(self, *, text: str, email: str, url: str, ip: str) -> bool:
        data = urllib.parse.urlencode(
            {
                "blog": self.site_url,
                "user_ip": ip,
                "comment_type": "comment",
                "comment_author_email": email,
                "comment_author_url": url,
                "comment_content": text,
            }
        ).encode()
        request = urllib.request.Request(self.endpoint.format(key=self.api_key), data=data)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read().strip() == b"true"
        except OSError:
            logger.warning("Akismet could not be reached; the comment goes through our rules only")
            return False


@cache
def spam_checker() -> SpamChecker:
    if settings.AKISMET_API_KEY:
        return Akismet(api_key=settings.AKISMET_API_KEY, site_url=settings.SITE_URL)
    return NoSpamCheck()
