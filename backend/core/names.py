"""The one rule for names and titles as they enter Hearth (people, invitations, content).

Text arrives from forms, the API and imported files in whatever form the sender's
keyboard or system produced. Before it is stored it is:

- composed to Unicode NFC, so "é" typed as e + combining accent and "é" typed as one
  character are the same name, compare equal and print as one glyph;
- stripped of bidirectional formatting characters (LRE, RLE, PDF, LRO, RLO U+202A-202E,
  the isolates LRI, RLI, FSI, PDI U+2066-2069, LRM and RLM U+200E/200F and the Arabic
  letter mark U+061C). They are invisible, and an override makes a name display
  reversed or in a misleading order (on a certificate, in an email subject); real
  right-to-left names (Arabic, Hebrew) need none of them to display correctly;
- trimmed of surrounding whitespace.
"""

import unicodedata

BIDI_CONTROLS = frozenset(
    [chr(code) for code in range(0x202A, 0x202F)]
    + [chr(code) for code in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u061c"]
)
_REMOVE_BIDI = {ord(character): None for character in BIDI_CONTROLS}


def normalise_name(value: str) -> str:
    """A name or title as Hearth stores it: NFC, no bidirectional controls, trimmed."""
    return unicodedata.normalize("NFC", value.translate(_REMOVE_BIDI)).strip()
