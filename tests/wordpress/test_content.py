"""A post's text as WordPress showed it: its paragraph rules and shortcodes."""

from collections import Counter

from wordpress.content import autop, body_html


def test_blank_lines_make_paragraphs_and_single_line_breaks_br():
    assert autop("One\ntwo\n\nThree") == "<p>One<br />\ntwo</p>\n<p>Three</p>"


def test_block_elements_are_not_wrapped_in_paragraphs():
    html = autop("<h2>Heading</h2>\nText\n\n<ul>\n<li>a</li>\n</ul>\n\n<blockquote>Q</blockquote>")

    assert html == (
        "<h2>Heading</h2>\n<p>Text</p>\n<ul>\n<li>a</li>\n</ul>\n<blockquote><p>Q</p></blockquote>"
    )


def test_preformatted_text_keeps_its_blank_lines():
    assert "<pre>a\n\nb</pre>" in autop("Before\n\n<pre>a\n\nb</pre>\n\nAfter")


def test_caption_becomes_a_figure_with_its_caption():
    html = body_html(
        '[caption id="attachment_4" width="300"]<img src="/a.jpg" alt="A" /> The harbour[/caption]'
    )

    assert (
        html == '<figure><img src="/a.jpg" alt="A" /><figcaption>The harbour</figcaption></figure>'
    )


def test_shortcodes_without_a_rendering_are_kept_as_text_and_counted():
    unrendered = Counter()

    html = body_html(
        'Look: [gallery ids="1,2"]\n\n[embed]https://video.example/1[/embed] and [sic] too.',
        unrendered=unrendered,
    )

    assert '[gallery ids="1,2"]' in html
    assert "[embed]https://video.example/1[/embed]" in html
    # A bracketed word in a quotation is not a shortcode.
    assert unrendered == Counter({"gallery": 1, "embed": 1})
