"""What every PDF the platform prints carries for the EU's visibility rules: the emblem and the funding line.

Drawn with reportlab's shapes (no image file): the emblem is a placeholder in the EU's colours until the
programme's official artwork is added. Used by reporting's report PDF and the events service's printouts.
"""

from __future__ import annotations

import math

from reportlab.graphics.shapes import Drawing, Polygon, Rect
from reportlab.lib import colors

EU_BLUE = colors.HexColor("#003399")
EU_YELLOW = colors.HexColor("#FFCC00")

FUNDED_BY = {
    "en": "Co-financed by the European Union and the Republic of Türkiye",
    "tr": "Avrupa Birliği ve Türkiye Cumhuriyeti tarafından finanse edilmektedir",
}


def eu_emblem(width: float = 27, height: float = 18) -> Drawing:
    """The twelve yellow stars on blue, `width` × `height` points."""
    d = Drawing(width, height)
    d.add(Rect(0, 0, width, height, fillColor=EU_BLUE, strokeColor=None))
    cx, cy, r = width / 2, height / 2, height / 3
    for n in range(12):
        a = math.radians(90 - 30 * n)
        d.add(_star(cx + r * math.cos(a), cy + r * math.sin(a), height / 18))
    return d


def _star(x: float, y: float, size: float) -> Polygon:
    points = []
    for n in range(10):
        radius = size if n % 2 == 0 else size * 0.4
        a = math.radians(90 + 36 * n)
        points += [x + radius * math.cos(a), y + radius * math.sin(a)]
    return Polygon(points, fillColor=EU_YELLOW, strokeColor=None)
