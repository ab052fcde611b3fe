"""The TrueType font of every PDF the platform writes (reportlab): reporting's exports, `tvp data-export`.

Turkish letters need a TrueType font: DejaVu Sans, from TVP_PDF_FONT_DIR, else the copy the pinned
matplotlib package ships (the same font file on every machine), else Debian's fonts-dejavu-core; without
it the text is transliterated to Helvetica's Latin-1 and a warning is logged.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

log = logging.getLogger(__name__)

FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts"]
_TRANSLIT = str.maketrans("ğĞşŞıİ", "gGsSiI")

_fonts: tuple[str, str] | None = None


def fonts() -> tuple[str, str]:
    """(regular, bold) font names; DejaVu Sans when it can be found."""
    global _fonts
    if _fonts is None:
        dirs = [os.environ["TVP_PDF_FONT_DIR"]] if os.environ.get("TVP_PDF_FONT_DIR") else []
        try:
            import matplotlib  # a dependency only for its DejaVu TTFs: no system font package needed

            dirs.append(str(Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf"))
        except ImportError:
            pass
        dirs += FONT_DIRS
        for folder in dirs:
            regular, bold = Path(folder) / "DejaVuSans.ttf", Path(folder) / "DejaVuSans-Bold.ttf"
            if regular.exists() and bold.exists():
                pdfmetrics.registerFont(TTFont("TVPSans", str(regular)))
                pdfmetrics.registerFont(TTFont("TVPSans-Bold", str(bold)))
                _fonts = ("TVPSans", "TVPSans-Bold")
                break
        else:
            log.warning(
                "DejaVu Sans not found (install matplotlib or fonts-dejavu-core, or set TVP_PDF_FONT_DIR); "
                "Turkish letters are transliterated in PDF exports"
            )
            _fonts = ("Helvetica", "Helvetica-Bold")
    return _fonts


def printable(text) -> str:
    """`text` as the font can print it (Turkish letters transliterated when only Helvetica is there)."""
    text = "" if text is None else str(text)
    return text if fonts()[0] == "TVPSans" else text.translate(_TRANSLIT)
