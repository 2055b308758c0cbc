"""Links readers use to share an article: plain addresses of each service's own share page.

No service's script, button or pixel is loaded, so no one learns who reads what until a reader
chooses to share, and the address shared is the article's canonical one, without tracking
parameters.
"""

from dataclasses import dataclass
from urllib.parse import quote, urlencode


@dataclass(frozen=True)
class ShareLink:
    service: str  # a short name, for styling
    text: str  # what the link shows
    label: str  # its accessible name: what it does, and whether it opens a new tab
    url: str
    new_tab: bool = True


def share_links(*, url: str, title: str) -> list[ShareLink]:
    """Email, X, Facebook, LinkedIn, WhatsApp and Bluesky links sharing `url`, titled `title`."""
    both = f"{title} {url}"
    return [
        ShareLink(
            "email",
            "Email",
            "Email this article",
            "mailto:?" + _query(subject=title, body=f"{title}\n\n{url}"),
            new_tab=False,
        ),
        _service("X", "https://x.com/intent/tweet", text=title, url=url),
        _service("Facebook", "https://www.facebook.com/sharer/sharer.php", u=url),
        _service("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/", url=url),
        _service("WhatsApp", "https://wa.me/", text=both),
        _service("Bluesky", "https://bsky.app/intent/compose", text=both),
    ]


def _service(name: str, address: str, **params: str) -> ShareLink:
    return ShareLink(
        name.lower(), name, f"Share on {name} (opens in a new tab)", f"{address}?{_query(**params)}"
    )


def _query(**params: str) -> str:
    # Spaces as %20, never "+": mail programs (RFC 6068) keep a "+" as a plus sign.
    return urlencode(params, quote_via=quote)
