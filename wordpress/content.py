"""A WordPress post's text as the HTML WordPress would have shown: its paragraph rules (wpautop)
applied and the shortcodes we can render turned into HTML; the others are kept as text and
counted, so the import can say which posts need an editor's eye.

The result still goes through the editor's sanitiser when the article is saved.
"""

import re
from collections import Counter

# Block-level elements: WordPress never wraps them in <p> (its wpautop's list).
_BLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre"
    r"|form|map|area|blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article"
    r"|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)
_SHORTCODE = re.compile(r"\[(?P<name>[a-zA-Z][\w-]*)(?P<attrs>[^\]]*)\]")
# After wpautop, as WordPress does shortcodes: the paragraph it made round one is dropped.
_CAPTION = re.compile(
    r"(?:<p>\s*)?\[caption(?P<attrs>[^\]]*)\](?P<inner>.*?)\[/caption\](?:\s*</p>)?", re.S
)
_CAPTION_TEXT = re.compile(
    r"^(?P<media>(?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(?P<text>.*)$", re.S
)
_ATTRIBUTE = re.compile(r'(\w+)\s*=\s*"([^"]*)"')


def body_html(text: str, *, unrendered: Counter | None = None) -> str:
    """`text` from an export (`content:encoded`) as HTML; shortcodes left as text are counted in
    `unrendered` by name."""
    text = _CAPTION.sub(_caption, autop(text or ""))
    if unrendered is not None:
        searched = _without_pre(text)
        for match in _SHORTCODE.finditer(searched):
            if _is_shortcode(match, searched):
                unrendered[match["name"].lower()] += 1
    return text


# WordPress's own shortcodes; others count only when they look like one (attributes or a
# closing tag), so that "[sic]" in a quotation is not reported.
_CORE_SHORTCODES = {"gallery", "embed", "audio", "video", "playlist", "caption", "wp_caption"}


def _is_shortcode(match: re.Match, text: str) -> bool:
    name = match["name"]
    return name.lower() in _CORE_SHORTCODES or "=" in match["attrs"] or f"[/{name}]" in text


def _without_pre(text: str) -> str:
    return re.sub(r"<pre\b.*?</pre>", "", text, flags=re.S | re.I)


def _caption(match: re.Match) -> str:
    """[caption]<img …> Text[/caption] → <figure><img …><figcaption>Text</figcaption></figure>."""
    attributes = dict(_ATTRIBUTE.findall(match["attrs"]))
    inner = match["inner"].strip()
    parts = _CAPTION_TEXT.match(inner)
    if parts is None:
        return match[0]
    caption = re.sub(r"^(\s*<br\s*/?>)+", "", parts["text"]).strip()
    caption = caption or attributes.get("caption", "")
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"<figure>{parts['media']}{figcaption}</figure>"


def autop(text: str) -> str:
    """WordPress's wpautop: blank lines make paragraphs, single line breaks <br>."""
    if not text.strip():
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n") + "\n"
    # <pre> keeps its line breaks exactly: set aside and put back at the end.
    kept: dict[str, str] = {}

    def keep(match: re.Match) -> str:
        name = f"<pre wp-pre-tag-{len(kept)}></pre>"
        kept[name] = match[0]
        return name

    text = re.sub(r"<pre\b.*?</pre>", keep, text, flags=re.S | re.I)
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text)
    text = re.sub(rf"(<{_BLOCKS}[\s/>])", r"\n\n\1", text)
    text = re.sub(rf"(</{_BLOCKS}>)", r"\1\n\n", text)
    text = re.sub(r"(<hr\s*?/?>)", r"\1\n\n", text)
    # Line breaks inside a tag are not the writer's line breaks.
    text = re.sub(r"<[^>]*>", lambda m: m[0].replace("\n", " "), text)
    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    text = "".join(f"<p>{p.strip(chr(10))}</p>\n" for p in paragraphs)
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(rf"<p>\s*(</?{_BLOCKS}[^>]*>)\s*</p>", r"\1", text)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text)
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.I)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(rf"<p>\s*(</?{_BLOCKS}[^>]*>)", r"\1", text)
    text = re.sub(rf"(</?{_BLOCKS}[^>]*>)\s*</p>", r"\1", text)
    text = re.sub(r"<br\s*/?>", "<br />", text)
    text = re.sub(r"(?<!<br />)\s*\n", "<br />\n", text)
    text = re.sub(rf"(</?{_BLOCKS}[^>]*>)\s*<br />", r"\1", text)
    text = re.sub(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text)
    text = re.sub(r"\n</p>$", "</p>", text)
    for name, pre in kept.items():
        text = text.replace(name, pre)
    return text.strip()
