"""Colour arithmetic for branded pages: CSS hex colours and WCAG 2 contrast.

The branding stylesheet (``oauth_jwt.server.views.branding``) uses it to keep a project's
primary colour readable: text on it is white or near-black, whichever contrasts more,
and links and the focus ring take the colour darkened just enough for the card.
"""

from __future__ import annotations

import re

RGB = tuple[int, int, int]
HEX_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
WHITE: RGB = (255, 255, 255)
INK: RGB = (27, 31, 36)  # the pages' text colour, --fg
TEXT_CONTRAST = 4.5  # WCAG 2 AA, normal text
NON_TEXT_CONTRAST = 3.0  # WCAG 2 AA, focus indicators and other UI parts


def parse_hex(value: object) -> RGB | None:
    """``#rgb`` or ``#rrggbb`` as a triple; ``None`` for anything else."""
    if not isinstance(value, str) or not HEX_COLOR.fullmatch(value):
        return None
    digits = value[1:]
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))


def to_hex(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: RGB) -> float:
    r, g, b = (_linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_on(background: RGB) -> RGB:
    """White or the pages' ink, whichever reads better on ``background``."""
    return max((WHITE, INK), key=lambda text: contrast(text, background))


def readable_on(color: RGB, background: RGB, minimum: float) -> RGB:
    """``color``, darkened in small steps until it has ``minimum`` contrast with a light
    ``background`` (black always does)."""
    for step in range(21):
        shade = tuple(round(c * (1 - step / 20)) for c in color)
        if contrast(shade, background) >= minimum:
            return shade  # type: ignore[return-value]
    return (0, 0, 0)
