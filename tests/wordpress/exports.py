"""Small WordPress exports built in the tests, beside the hand-written fixtures/site.xml."""

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
SITE = FIXTURES / "site.xml"


def export(*parts: str, version: str = "1.2") -> str:
    """A WXR document of `version` round authors, terms and items given as XML."""
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/{version}/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/{version}/">
<channel>
<title>Test Times</title>
<link>https://times.example.org</link>
<wp:wxr_version>{version}</wp:wxr_version>
<wp:base_site_url>https://times.example.org</wp:base_site_url>
<wp:base_blog_url>https://times.example.org</wp:base_blog_url>
{"".join(parts)}
</channel>
</rss>
"""


def post(
    post_id: int,
    *,
    title: str = "A post",
    slug: str = "",
    status: str = "publish",
    content: str = "Text.",
    date_gmt: str = "2020-01-02 09:00:00",
    comments: str = "",
    post_type: str = "post",
) -> str:
    slug = slug or f"post-{post_id}"
    return f"""<item><title><![CDATA[{title}]]></title>
<link>https://times.example.org/2020/01/02/{slug}/</link>
<dc:creator>editor</dc:creator>
<content:encoded><![CDATA[{content}]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{post_id}</wp:post_id>
<wp:post_date_gmt>{date_gmt}</wp:post_date_gmt>
<wp:post_name>{slug}</wp:post_name>
<wp:status>{status}</wp:status>
<wp:post_type>{post_type}</wp:post_type>
<category domain="category" nicename="news">News</category>
{comments}</item>
"""


def comment(
    comment_id: int,
    *,
    parent: int = 0,
    approved: str = "1",
    email: str = "",
    text: str = "",
    date_gmt: str = "",
) -> str:
    email = email or f"reader{comment_id}@example.net"
    date_gmt = date_gmt or f"2020-01-03 {comment_id % 24:02d}:00:00"
    return f"""<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>
<wp:comment_author>Reader {comment_id}</wp:comment_author>
<wp:comment_author_email>{email}</wp:comment_author_email>
<wp:comment_date_gmt>{date_gmt}</wp:comment_date_gmt>
<wp:comment_content><![CDATA[{text or f"Comment {comment_id}."}]]></wp:comment_content>
<wp:comment_approved>{approved}</wp:comment_approved>
<wp:comment_type>comment</wp:comment_type>
<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>
"""


def write(tmp_path: Path, text: str, name: str = "export.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
