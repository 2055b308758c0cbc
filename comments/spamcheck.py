"""An optional outside spam check behind one small interface (Akismet when a key is set)."""

import logging
from functools import cache

import akismet
import httpx
from django.conf import settings

logger = logging.getLogger(__name__)


class NoSpamCheck:
    """The default: rely on our own rules only."""

    def is_spam(self, **comment: str) -> bool:
        return False


class Akismet:
    """Asks Akismet about each comment; any failure counts as "not spam" so comments still flow."""

    def __init__(
        self,
        *,
        api_key: str,
        site_url: str,
        timeout: float = 3.0,
        transport: httpx.BaseTransport | None = None,
    ):
        # Our own HTTP client sets the timeout (and lets tests swap the transport); the library
        # then leaves the User-Agent Akismet asks for to us.
        http_client = httpx.Client(
            headers={"User-Agent": akismet.USER_AGENT}, timeout=timeout, transport=transport
        )
        self.client = akismet.SyncClient(
            config=akismet.Config(key=api_key, url=site_url), http_client=http_client
        )
        self.key_valid: bool | None = None

    def is_spam(
        self,
        *,
        text: str,
        email: str,
        url: str,
        ip: str,
        name: str = "",
        user_agent: str = "",
        referrer: str = "",
        permalink: str = "",
    ) -> bool:
        if not self.key_verified():
            return False
        try:
            verdict = self.client.comment_check(
                user_ip=ip,
                user_agent=user_agent,
                referrer=referrer,
                permalink=permalink,
                comment_type="comment",
                comment_author=name,
                comment_author_email=email,
                comment_author_url=url,
                comment_content=text,
            )
        except akismet.AkismetError as error:
            logger.warning(
                "Akismet did not check a comment; it goes through our rules only: %s", error
            )
            return False
        return bool(verdict)

    def key_verified(self) -> bool:
        """Whether Akismet accepts the key and site, asked once per process."""
        if self.key_valid is None:
            try:
                self.key_valid = self.client.verify_key()
            except akismet.AkismetError as error:
                # Not remembered: an outage must not turn the check off for the process's life.
                logger.warning("Akismet could not verify the key; comments skip it: %s", error)
                return False
            if not self.key_valid:
                logger.error("Akismet rejected AKISMET_API_KEY for SITE_URL; the check is off")
        return self.key_valid


@cache
def spam_checker() -> "Akismet | NoSpamCheck":
    """Akismet when a key is set; both answer `is_spam(**comment)` with Akismet's fields."""
    if settings.AKISMET_API_KEY:
        return Akismet(api_key=settings.AKISMET_API_KEY, site_url=settings.SITE_URL)
    return NoSpamCheck()
