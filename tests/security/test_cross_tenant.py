"""Cross-tenant matrix: every staff page with a cooperative id and every API operation with a
path id, as an officer of another cooperative, with foreign ids and with mixed ids (their own
cooperative, the other's object). Expected: the same 404 as for a page that does not exist, and
no change in the database. Pages and operations join by themselves (resolver and schema)."""

import pytest
from django.test import Client
from security.probe import (
    API_PARAMS,
    ID_MAKERS,
    PUBLIC_PAGES,
    actor_for,
    db_fingerprint,
    has_foreign_object,
    staff_pages,
    tenant_pages,
    url_for,
)

from kopdes.accounts.tokens import token_issue
from kopdes.api.urls import api

# Every test of the module takes `world`, so the module runs in one piece with the places.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("world")]

PAGES = tenant_pages()
SCHEMA = api.get_openapi_schema()
OPERATIONS = [
    (method.upper(), path, operation)
    for path, methods in SCHEMA["paths"].items()
    for method, operation in methods.items()
]
SECURED = [op for op in OPERATIONS if op[2].get("security")]


def test_every_url_kwarg_is_known():
    """A new page with a kind of id the matrices cannot make fails here, not silently."""
    unknown = []
    for page in staff_pages():
        if page.tenant:
            unknown += [f"{page.name}: {k}" for k in page.kwargs if k not in ID_MAKERS]
            if page.capability is None:
                unknown.append(f"{page.name}: not behind cooperative_page(...)")
        elif page.kwargs and page.name.removeprefix("web:") not in PUBLIC_PAGES:
            unknown.append(f"{page.name}: kwargs {page.kwargs} outside a cooperative")
    for method, path, operation in SECURED:
        for param in operation.get("parameters", []):
            if param["in"] == "path" and param["name"] not in API_PARAMS:
                unknown.append(f"{method} {path}: {param['name']}")
    assert unknown == [], "add these to ID_MAKERS in tests/security/probe.py: " + ", ".join(unknown)


def test_the_matrices_see_the_pages():
    assert len(PAGES) >= 40
    assert any(has_foreign_object(page) for page in PAGES)


def _probe(client, url):
    failures = []
    before = db_fingerprint()
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        # A GET of a POST-only page of one's own cooperative is 405 whatever the object.
        allowed = {404, 405} if method == "get" else {404}
        if response.status_code not in allowed:
            failures.append(f"{method.upper()} {url}: {response.status_code}")
    if db_fingerprint() != before:
        failures.append(f"{url}: the database changed")
    return failures


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_foreign_ids_are_404(world, page):
    """An officer of A who may use the page in A asks for it in B: 404, nothing changes."""
    failures = []
    for write in (False, True):
        actor = actor_for(page, world.a.place, write=write)
        assert actor is not None, f"no persona of A may use {page}"
        client = Client()
        client.force_login(actor)
        url = url_for(page, world.b)
        failures += [f"{actor.full_name}: {f}" for f in _probe(client, url)]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("page", [p for p in PAGES if has_foreign_object(p)], ids=str)
def test_mixed_ids_are_404(world, page):
    """A's own cooperative id with B's object id: 404, nothing changes."""
    failures = []
    for write in (False, True):
        actor = actor_for(page, world.a.place, write=write)
        client = Client()
        client.force_login(actor)
        url = url_for(page, world.a, world.b)
        failures += [f"{actor.full_name}: {f}" for f in _probe(client, url)]
    assert not failures, "\n".join(failures)


def _token(user) -> dict:
    token, _row = token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _api_path(path: str, side) -> str:
    for name, make in API_PARAMS.items():
        path = path.replace("{" + name + "}", str(make(side)))
    return path


@pytest.mark.parametrize(
    ("method", "path"),
    [(m, p) for m, p, op in SECURED if "{" in p],
    ids=lambda value: str(value),
)
def test_api_foreign_ids_are_404(world, client, method, path):
    """Every secured operation with an id, as each officer of A, with B's ids: the API's 404."""
    failures = []
    for person in world.a.place.people.values():
        headers = _token(person)
        url = _api_path(path, world.b)
        before = db_fingerprint()
        response = client.generic(method, url, content_type="application/json", **headers)
        if response.status_code != 404 or response.json()["error"]["code"] != "request.not_found":
            failures.append(f"{person.full_name}: {response.status_code} {response.content[:200]}")
        if db_fingerprint() != before:
            failures.append(f"{person.full_name}: the database changed")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "path", [p for m, p, op in SECURED if m == "GET" and "{" not in p], ids=str
)
def test_api_lists_say_nothing_about_another_cooperative(world, client, path):
    """Every secured GET without ids, as each officer of A: nothing of B in the answer."""
    failures = []
    foreign = [str(world.b.place.cooperative.public_id), *world.b.secrets]
    for person in world.a.place.people.values():
        response = client.get(path, **_token(person))
        assert response.status_code == 200, (path, response.status_code)
        body = response.content.decode()
        failures += [f"{person.full_name}: {text!r}" for text in foreign if text in body]
    assert not failures, "\n".join(failures)


# Values for request bodies, by property name, pointing at cooperative B: the village, a
# member's NIK, a loan product (with terms it would accept). Properties not listed get a harmless value of their type.
def _body(schema: dict, side) -> dict:
    member = side.ids["member"]
    known = {
        "village_code": side.place.cooperative.village_id,
        "cooperatives": [side.place.cooperative.village_id],  # village codes (a training's)
        "cooperative_id": str(side.place.cooperative.public_id),
        "member_id": str(member.public_id),
        "product_id": str(side.ids["loan_product"].public_id),
        "principal": 1_000_000,
        "months": 6,
        "nik": member.nik,
        "kk_number": member.kk_number or "",
        "full_name": "Probe",
        "sex": member.sex,
        "birth_date": member.birth_date.isoformat(),
        "address": "Probe",
    }
    body = {}
    for name, prop in schema.get("properties", {}).items():
        if name in known:
            body[name] = known[name]
        elif prop.get("type") == "string":
            body[name] = ""
    return body


def _request_schema(operation: dict) -> dict | None:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return None
    schema = content["schema"]
    # An optional body (`payload: X | None = None`) is `anyOf: [{$ref: X}, {type: null}]`.
    refs = [s["$ref"] for s in schema.get("anyOf", []) if "$ref" in s]
    ref = schema.get("$ref", "") or (refs[0] if len(refs) == 1 else "")
    return SCHEMA["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else schema


TENANT_BODIES = [
    (m, p)
    for m, p, op in SECURED
    if "{" not in p
    and (schema := _request_schema(op))
    and {"village_code", "cooperatives", "cooperative_id", "member_id", "nik", "product_id"}
    & set(schema.get("properties", {}))
]


@pytest.mark.parametrize(("method", "path"), TENANT_BODIES, ids=str)
def test_api_bodies_naming_another_cooperative_reveal_nothing(world, client, method, path):
    """An operation whose body names a cooperative or a person, sent by every officer of A and
    by the supervisors with B's village and a B member's NIK: refused, nothing of B's people in
    the answer, nothing saved."""
    operation = SCHEMA["paths"][path][method.lower()]
    body = _body(_request_schema(operation), world.b)
    failures = []
    people = [*world.a.place.people.values(), *world.supervisors.values()]
    for person in people:
        before = db_fingerprint()
        response = client.generic(
            method,
            path,
            data=__import__("json").dumps(body),
            content_type="application/json",
            **_token(person),
        )
        text = response.content.decode()
        if response.status_code < 400 or response.status_code >= 500:
            failures.append(f"{person.full_name}: {response.status_code}")
        failures += [
            f"{person.full_name}: {secret!r} in the answer"
            for secret in world.b.secrets
            if secret and secret != body.get("nik") and secret in text
        ]
        if db_fingerprint() != before:
            failures.append(f"{person.full_name}: the database changed")
    assert not failures, "\n".join(failures)
