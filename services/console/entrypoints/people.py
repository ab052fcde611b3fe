"""/people: the people of the member organisations. A list with search and an organisation filter, a details
page (its organisation, its seats on governance bodies, contact data only where the API gives it: the API
redacts e-mail and phone for roles that may not see them), and the form to register a person."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from shared.contracts.members import GENDERS

from .. import members_rules as rules
from ..adapters.api import ApiError
from ..listing import listing
from ..web import NavEntry, api, current_user, gather, render_form_errors

blp = Blueprint("people", __name__)
NAV = [NavEntry("people.index", _l("People"))]

FILTERS = ("q", "organisation_id")
# The organisations a select offers (the API's largest page); the console's own lists are far smaller.
ORGANISATIONS_OFFERED = 100
FIELDS = ("organisation_id", "full_name", "email", "title", "phone", "gender")


def organisation_names(caller, **params) -> dict[str, str]:
    found = caller.get("members", "/api/v1/organisations", params={"page_size": ORGANISATIONS_OFFERED, **params})
    return {organisation["id"]: organisation["name"] for organisation in found.data["items"]}


@blp.get("/people")
def index():
    wanted = listing(request.args, FILTERS)
    caller = api()
    results = gather({
        "people": lambda: caller.get("members", "/api/v1/people",
                                     params={**wanted.params, "page": wanted.page, "page_size": wanted.page_size}),
        "organisations": lambda: organisation_names(caller),
    })
    organisations = results["organisations"]
    if isinstance(organisations, ApiError):
        raise organisations
    people = results["people"]
    context = {"wanted": wanted, "organisations": organisations,
               "may_register": rules.may_register_people(current_user()),
               # The API lists a chamber admin's own people only: a choice of organisation would be no choice.
               "filter_by_organisation": current_user().role != "chamber_admin"}
    if isinstance(people, ApiError):
        if people.status not in (403, 422):
            raise people
        # A filter the API refuses (a chamber admin asking for another organisation's people): said at the top.
        return render_form_errors("people/index.html", people, found=None, **context)
    return render_template("people/index.html", found=people.data, pages=wanted.pages(people.data["total"]),
                           **context)


@blp.route("/people/new", methods=["GET", "POST"])
def new():
    user = current_user()
    if not rules.may_register_people(user):
        abort(403)
    # A chamber admin registers people of its own organisation only: the select offers only that one.
    if user.role == "chamber_admin":
        own = api().get("members", f"/api/v1/organisations/{user.organisation_id}").data
        organisations = {own["id"]: own["name"]}
    else:
        organisations = organisation_names(api())
    if request.method == "GET":
        chosen = request.args.get("organisation_id", "")
        return render_template("people/form.html", values={"organisation_id": chosen}, organisations=organisations,
                               genders=GENDERS)
    body = {name: request.form.get(name, "").strip() for name in FIELDS if request.form.get(name, "").strip()}
    try:
        created = api().post("members", "/api/v1/people", json=body,
                             idempotency_key=request.form.get("idempotency_key"))
    except ApiError as error:
        if error.status >= 500:
            raise  # the console's error page: the service failed, the form was not refused
        return render_form_errors("people/form.html", error, values=request.form, organisations=organisations,
                                  genders=GENDERS)
    flash(_("%(name)s is registered.", name=created.data["full_name"]))
    return redirect(url_for("people.show", person_id=created.data["id"]))


@blp.get("/people/<person_id>")
def show(person_id: str):
    caller = api()
    first = gather({
        "person": lambda: caller.get("members", f"/api/v1/people/{person_id}"),
        "bodies": lambda: caller.get("members", "/api/v1/bodies", params={"page_size": 100}),
    })
    person = first["person"]
    if isinstance(person, ApiError):
        raise person
    person = person.data
    bodies = [] if isinstance(first["bodies"], ApiError) else first["bodies"].data["items"]
    second = gather({
        "organisation": lambda: caller.get("members", f"/api/v1/organisations/{person['organisation_id']}"),
        **{f"body:{body['code']}": (lambda code=body["code"]: caller.get("members", f"/api/v1/bodies/{code}"))
           for body in bodies},
    })
    organisation = second["organisation"]
    seats = [(body, seat) for body in bodies
             if not isinstance(second[f"body:{body['code']}"], ApiError)
             for seat in second[f"body:{body['code']}"].data["seats"] if seat["person_id"] == person_id]
    return render_template("people/show.html", person=person, seats=seats,
                           organisation=None if isinstance(organisation, ApiError) else organisation.data)
