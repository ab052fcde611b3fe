"""The events service's printouts (reportlab): badges, attendance sheets and the decision book.

Each renderer takes what the service layer prepared (service_layer/printouts.py: names already
resolved, nothing to look up) and returns the PDF's bytes; Turkish letters through shared/pdf_fonts.py.
"""
from .attendance_sheet import attendance_sheet
from .badge import badge
from .decision_book import decision_book

__all__ = ["attendance_sheet", "badge", "decision_book"]
