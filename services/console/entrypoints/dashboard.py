"""`/`: the dashboard."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from ..web import NavEntry

blp = Blueprint("dashboard", __name__)
NAV = [NavEntry("dashboard.index", _l("Dashboard"))]


@blp.get("/")
def index():
    return render_template("dashboard/index.html")
