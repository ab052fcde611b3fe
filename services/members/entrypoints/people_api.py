"""HTTP entrypoint for people of member organisations."""
from __future__ import annotations

from flask.views import MethodView

from shared.web.bus import handle, reading
from shared.web.http import ETAG, IF_MATCH, ApiBlueprint, precondition, with_etag
from shared.web.schemas import ErrorSchema, page_schema
from shared.web.security import current_principal, guarded

from ..service_layer import people
from ..service_layer.commands import ErasePerson, GetPerson, ListPeople, RegisterPerson, UpdatePerson
from .schemas import PeopleQuerySchema, PersonCreateSchema, PersonSchema, PersonUpdateSchema

blp = ApiBlueprint("people", __name__, url_prefix="/api/v1/people",
                       description="People of member organisations, their consents and their erasure")


@blp.route("")
class People(MethodView):
    @guarded(blp)
    @blp.arguments(PeopleQuerySchema, location="query")
    @blp.response(200, page_schema(PersonSchema))
    def get(self, query):
        """List people (chamber admins: of their own organisation)"""
        return people.list_people(reading(), ListPeople(**query), current_principal())

    @guarded(blp)
    @blp.arguments(PersonCreateSchema)
    @blp.response(201, PersonSchema, headers=ETAG)
    @blp.alt_response(409, schema=ErrorSchema, description="E-mail already registered, or organisation withdrawn")
    def post(self, data):
        """Register a person of an organisation"""
        return with_etag(handle(RegisterPerson(data)))


@blp.route("/<person_id>")
class PersonById(MethodView):
    @guarded(blp)
    @blp.response(200, PersonSchema, headers=ETAG)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown or erased person")
    def get(self, person_id):
        """Get a person (consents only for platform admins and the person's own chamber admins)"""
        return with_etag(people.get_person(reading(), GetPerson(person_id), current_principal()))

    @guarded(blp)
    @blp.doc(parameters=[IF_MATCH])
    @blp.arguments(PersonUpdateSchema)
    @blp.response(200, PersonSchema, headers=ETAG)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown or erased person")
    @blp.alt_response(409, schema=ErrorSchema, description="E-mail already registered for the organisation")
    @blp.alt_response(412, schema=ErrorSchema, description="If-Match is stale")
    def patch(self, changes, person_id):
        """Change a person's details or consents"""
        command = UpdatePerson(person_id, changes, precondition())
        return with_etag(handle(command))

    @guarded(blp)
    @blp.doc(parameters=[IF_MATCH])
    @blp.response(204)
    @blp.alt_response(404, schema=ErrorSchema, description="Unknown or already erased person")
    @blp.alt_response(412, schema=ErrorSchema, description="If-Match is stale")
    def delete(self, person_id):
        """Erase a person (KVKK / GDPR): identifying data removed here and, through person.erased, elsewhere"""
        handle(ErasePerson(person_id, precondition()))
        return None
