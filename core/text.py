"""Text typed by readers, made fit to keep and to write into XML."""

import re

# C0 control characters other than tab, line feed and carriage return, and DEL: no reader means
# to type them (they arrive pasted from terminals or sent by bots), no page shows them, and
# XML 1.0 cannot carry most of them.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Everything XML 1.0 cannot carry, even escaped: a feed holding one is refused by its readers
# (and Django's feed writer raises on the control characters among them).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def without_control_characters(text: str) -> str:
    """`text` as the reader meant it: control characters dropped, tabs and line breaks kept."""
    return _CONTROL_CHARACTERS.sub("", text)


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", text)
