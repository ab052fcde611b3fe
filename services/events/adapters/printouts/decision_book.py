"""The decision book of a governance body for a year: every numbered decision with its meeting.

A4 portrait: the body and year, then per meeting (number, title, day in Istanbul) its decisions
in order, each with its number (<year>/<sequence>-<n>), its text and the votes when recorded.
"""
from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

from .common import RULE, Page, Styles, body_name, day, numbered_meeting, para, word


def _decision(decision: dict, lang: str, st: Styles) -> Table:
    text = [para(decision["text"], st.body)]
    votes = decision.get("votes")
    if votes:
        text.append(para(f"{word('votes', lang)}: {votes['for']} / {votes['against']} / {votes['abstain']}",
                         st.muted))
    table = Table([[para(decision["number"], st.subtitle), text]], colWidths=[30 * mm, 156 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
    return table


def decision_book(book: dict, lang: str = "tr") -> bytes:
    """`book`: body, year and meetings ({title, sequence, starts_at, decisions: [{number, text, votes}]})."""
    st = Styles()
    buffer = io.BytesIO()
    title = f"{body_name(book['body'], lang)} — {word('decision_book', lang)} {book['year']}"
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=20 * mm,
                            bottomMargin=15 * mm, title=title, author=word("platform", lang))
    story = [para(title, st.title), Spacer(1, 3 * mm)]
    if not book["meetings"]:
        story.append(para(word("no_decisions", lang), st.body))
    for meeting in book["meetings"]:
        heading = meeting["title"]
        if meeting.get("sequence"):
            heading = f"{numbered_meeting(book['body'], meeting['sequence'], lang)} — {meeting['title']}"
        decisions = [_decision(d, lang, st) for d in meeting["decisions"]]
        story.append(KeepTogether([para(heading, st.subtitle), para(day(meeting["starts_at"], lang), st.muted),
                                   Spacer(1, 2 * mm), *decisions[:1]]))
        story += decisions[1:] + [Spacer(1, 5 * mm)]
    page = Page(lang, title, A4)
    doc.build(story, onFirstPage=page, onLaterPages=page)
    return buffer.getvalue()


