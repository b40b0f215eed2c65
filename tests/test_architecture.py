"""Architecture rules of docs/design.md that import-linter cannot see.

1. Foreign keys, one-to-ones and many-to-manys point only down the layer order (a relation is a
   dependency even when no module imports the other).
2. Every tenant row carries a non-null `cooperative`, and its uniqueness and indexes are per
   cooperative (invariant 4).
3. Every error response of the JSON API has the one error shape, `ErrorOut`.
4. Every kopdes table that is not a tenant row is placed for Citus (docs/scale.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from kopdes.core.models import TenantModel

# docs/design.md, "Dependency direction", top to bottom. Apps on one line are independent of
# each other. `demo` seeds everything, so it sits on top (as in import-linter's contract).
LAYERS: list[set[str]] = [
    {"demo"},
    {"api", "web", "pwa"},
    {"supervision"},
    {"rat"},
    {"shu"},
    {"savings", "loans", "commerce", "funding"},
    {"payments"},
    {"members", "announcements"},
    {"ledger"},
    {"accounts"},
    {"cooperatives"},
    {"regions"},
    {"core"},
]
RANK = {label: rank for rank, layer in enumerate(LAYERS) for label in layer}
ACCOUNTS_RANK = RANK["accounts"]


def kopdes_label(model: type[models.Model]) -> str | None:
    """The app label for a model of a kopdes.* app, None for Django's and third parties'."""
    config = apps.get_app_config(model._meta.app_label)
    return config.label if config.name.startswith("kopdes.") else None


def kopdes_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if kopdes_label(m) is not None]


def relation_fields(model: type[models.Model]):
    """Forward relations declared on the model or inherited from abstract parents (for example
    TenantModel's `cooperative`, declared in core): they count for the concrete model's app."""
    for field in [*model._meta.fields, *model._meta.many_to_many]:
        if field.is_relation and field.related_model is not None:
            yield field


def allowed(source: str, target_model: type[models.Model]) -> tuple[bool, str]:
    target = kopdes_label(target_model)
    if target is None:
        # Django's own apps (auth, contenttypes, sessions) and third parties: only from accounts up.
        ok = RANK[source] <= ACCOUNTS_RANK
        return (
            ok,
            f"{target_model._meta.label} (outside kopdes) is reachable from accounts upwards only",
        )
    if target_model._meta.label == settings.AUTH_USER_MODEL:
        return RANK[
            source
        ] <= ACCOUNTS_RANK, "AUTH_USER_MODEL is reachable from accounts upwards only"
    if target == source:
        return True, ""
    ok = RANK[target] > RANK[source]
    return ok, f"{source} may only point down the layers; {target} is not below it"


def test_every_kopdes_app_with_models_has_a_layer():
    unplaced = sorted({kopdes_label(m) for m in kopdes_models()} - RANK.keys())
    assert not unplaced, f"apps missing from the layer order in {__file__}: {unplaced}"


def test_relations_point_down_the_layers():
    checked = 0
    violations = []
    for model in kopdes_models():
        source = kopdes_label(model)
        for field in relation_fields(model):
            checked += 1
            ok, why = allowed(source, field.related_model)
            if not ok:
                violations.append(
                    f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}: {why}"
                )
    assert checked > 0, "no relation found: the walk is broken"
    assert not violations, "relations against the layer order:\n" + "\n".join(violations)


def test_the_layer_check_catches_an_upward_relation():
    """The rule itself: a cooperative pointing at a user would be caught, a role at one not."""
    cooperative = apps.get_model("cooperatives", "Cooperative")
    user = apps.get_model(settings.AUTH_USER_MODEL)
    village = apps.get_model("regions", "Village")
    assert allowed("cooperatives", user)[0] is False
    assert allowed("accounts", user)[0] is True
    assert allowed("accounts", cooperative)[0] is True
    assert allowed("regions", cooperative)[0] is False
    assert allowed("core", village)[0] is False
    assert allowed("api", village)[0] is True


# ---- tenant rows ---------------------------------------------------------------------------

# Deliberate exceptions, each with its reason: {("app.Model", constraint, field or index name): why}.
# A global unique index or one not led by `cooperative` cannot be kept on a table distributed by
# cooperative (Citus), so each entry here is a decision to write down.
UNIQUENESS_EXCEPTIONS: dict[tuple[str, str], str] = {
    (
        "members.Member",
        "card_id",
    ): "a random UUID printed as a QR on the card, unique by construction like public_id",
    (
        "payments.PaymentIntent",
        "bill_number",
    ): "random (QRIS tag 62.01): the provider's notification names the payment by it alone",
    (
        "members.ActivationCode",
        "code_hash",
    ): "the keyed hash of a random printed code: the member types the code alone, no cooperative",
}
INDEX_EXCEPTIONS: dict[tuple[str, str], str] = {
    (
        "members.Member",
        "members_member_nik_idx",
    ): "finds a NIK active in another cooperative (domain.md section 6)",
}
GLOBALLY_UNIQUE_FIELDS = {
    "id": "the primary key",
    "public_id": "a random UUID (PublicIdModel): unique across cooperatives by construction",
}


def tenant_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if issubclass(m, TenantModel)]


def test_there_are_tenant_models():
    assert tenant_models(), "no TenantModel subclass found: the checks below would prove nothing"


@pytest.mark.parametrize("model", tenant_models(), ids=lambda m: m._meta.label)
def test_tenant_model_has_a_non_null_cooperative(model):
    field = model._meta.get_field("cooperative")
    assert isinstance(field, models.ForeignKey)
    assert field.related_model._meta.label == "cooperatives.Cooperative"
    assert field.null is False
    assert field.remote_field.on_delete is models.PROTECT


def _constraint_fields(constraint: models.UniqueConstraint) -> set[str]:
    names = set(constraint.fields)
    for expression in constraint.expressions:
        for ref in expression.flatten() if hasattr(expression, "flatten") else [expression]:
            if isinstance(ref, models.F):
                names.add(ref.name)
    return names


@pytest.mark.parametrize("model", tenant_models(), ids=lambda m: m._meta.label)
def test_tenant_model_uniqueness_is_per_cooperative(model):
    label = model._meta.label
    problems = []
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            fields = _constraint_fields(constraint)
            if (
                not fields & {"cooperative", "cooperative_id"}
                and (label, constraint.name) not in UNIQUENESS_EXCEPTIONS
            ):
                problems.append(f"constraint {constraint.name} on {sorted(fields)}")
    for together in model._meta.unique_together:
        if (
            "cooperative" not in together
            and (label, ",".join(together)) not in UNIQUENESS_EXCEPTIONS
        ):
            problems.append(f"unique_together {together}")
    for field in model._meta.fields:
        if (
            field.unique
            and field.name not in GLOBALLY_UNIQUE_FIELDS
            and (label, field.name) not in UNIQUENESS_EXCEPTIONS
        ):
            if isinstance(field, models.OneToOneField) and field.name == "cooperative":
                continue  # one row per cooperative
            problems.append(f"field {field.name} is unique=True across all cooperatives")
    assert not problems, (
        f"{label}: uniqueness must include `cooperative` (or be listed in UNIQUENESS_EXCEPTIONS): {problems}"
    )


@pytest.mark.parametrize("model", tenant_models(), ids=lambda m: m._meta.label)
def test_tenant_model_indexes_lead_with_cooperative(model):
    problems = []
    for index in model._meta.indexes:
        first = (index.fields or [""])[0].lstrip("-")
        exception = (model._meta.label, index.name) in INDEX_EXCEPTIONS
        if first not in ("cooperative", "cooperative_id") and not exception:
            problems.append(f"{index.name} {list(index.fields) or index.expressions}")
    assert not problems, (
        f"{model._meta.label}: indexes must lead with `cooperative` (or be listed in INDEX_EXCEPTIONS): {problems}"
    )


# docs/scale.md, "Ready for Citus": every kopdes table that is not a tenant row, and where it
# would go when the tenant tables are distributed by `cooperative_id`. A new model is a
# TenantModel, or is placed here and in docs/scale.md.
NOT_TENANT_ROWS = {
    "regions.Province": "reference table",
    "regions.Regency": "reference table",
    "regions.District": "reference table",
    "regions.Village": "reference table",
    "cooperatives.Cooperative": "reference table (the tenants themselves)",
    "supervision.HealthMethod": "reference table",
    "supervision.WarningThresholds": "reference table (per regency, kecamatan or village code)",
    "supervision.TrainingSession": "reference table (one session for many cooperatives)",
    "core.CooperativeVersion": "distributed on its cooperative_id (one row per cooperative)",
    "accounts.User": "coordinator (people belong to no one cooperative)",
    "accounts.SupervisionGrant": "coordinator",
    "accounts.ApiToken": "coordinator",
    "accounts.Device": "coordinator",
    "accounts.OneTimeCode": "coordinator",
    "accounts.ThrottleCounter": "coordinator",
    "core.OutboxMessage": "coordinator",
    "core.AuditEvent": "split: a cooperative's events distributed, the others on the coordinator",
    "payments.PaymentNotification": "distributed once it carries the intent's cooperative_id",
    "rat.Ballot": "distributed as it is (has cooperative_id; secret, so no public id)",
}


def test_every_table_that_is_not_a_tenant_row_is_placed_for_citus():
    found = {m._meta.label for m in kopdes_models() if not issubclass(m, TenantModel)}
    assert found == set(NOT_TENANT_ROWS), (
        "a kopdes model that is not a TenantModel must be placed in NOT_TENANT_ROWS and "
        f"docs/scale.md: new {sorted(found - set(NOT_TENANT_ROWS))}, "
        f"gone {sorted(set(NOT_TENANT_ROWS) - found)}"
    )


# ---- the API's error shape -----------------------------------------------------------------

ERROR_REF = "#/components/schemas/ErrorOut"


@pytest.fixture(scope="module")
def openapi() -> dict:
    from kopdes.api.urls import api

    schema = api.get_openapi_schema()
    if not list(_operations(schema)):
        pytest.skip("the API has no operation yet")
    return schema


def _operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "put", "post", "delete", "patch", "head", "options"}:
                yield f"{method.upper()} {path}", operation


def error_shape_problems(schema: dict) -> list[str]:
    problems = []
    for name, operation in _operations(schema):
        for status, response in operation.get("responses", {}).items():
            if str(status)[0] not in "45":
                continue
            body = response.get("content", {}).get("application/json", {}).get("schema", {})
            if body.get("$ref") != ERROR_REF:
                problems.append(f"{name} {status}: {body or response}")
    return problems


def documentation_problems(schema: dict) -> list[str]:
    """422 for bad input everywhere (`errors()` adds it); 401 wherever a token is required."""
    problems = []
    global_security = schema.get("security", [])
    for name, operation in _operations(schema):
        statuses = {str(s) for s in operation.get("responses", {})}
        if "422" not in statuses:
            problems.append(f"{name}: no 422")
        if operation.get("security", global_security) and "401" not in statuses:
            problems.append(f"{name}: requires a token but does not document 401")
    return problems


def test_every_error_response_uses_error_out(openapi):
    problems = error_shape_problems(openapi)
    assert not problems, "error responses without the ErrorOut schema:\n" + "\n".join(problems)


def test_every_operation_documents_bad_input_and_authentication(openapi):
    problems = documentation_problems(openapi)
    assert not problems, "\n".join(problems)


def test_the_api_checks_catch_a_bad_schema():
    error = {"content": {"application/json": {"schema": {"$ref": ERROR_REF}}}}
    other = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Other"}}}}
    schema = {
        "paths": {
            "/good": {
                "get": {
                    "responses": {"200": {}, "401": error, "422": error},
                    "security": [{"t": []}],
                }
            },
            "/bad": {"post": {"responses": {"200": {}, "400": other}, "security": [{"t": []}]}},
        }
    }
    assert error_shape_problems(schema) == ["POST /bad 400: {'$ref': '#/components/schemas/Other'}"]
    assert documentation_problems(schema) == [
        "POST /bad: no 422",
        "POST /bad: requires a token but does not document 401",
    ]


def test_error_out_is_the_documented_shape(openapi):
    schemas = openapi["components"]["schemas"]
    body_ref = schemas["ErrorOut"]["properties"]["error"]
    body = schemas[body_ref["$ref"].rsplit("/", 1)[-1]] if "$ref" in body_ref else body_ref
    assert set(body["properties"]) == {"code", "message", "details", "fields"}
    assert {"code", "message"} <= set(body.get("required", []))


def test_every_error_code_is_dotted_and_names_one_kind_of_failure():
    """The API's codes are a contract: `<area>.<failure>`, and no two kinds of failure share one
    (a subclass that forgets its own code would inherit its parent's)."""
    import importlib
    import pkgutil

    import kopdes
    from kopdes.core.errors import DomainError

    skip = (".tests", ".migrations", ".management", "kopdes.settings", "kopdes.wsgi", "kopdes.cli")
    for module in pkgutil.walk_packages(kopdes.__path__, "kopdes."):
        if not any(part in module.name for part in skip):
            importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    owners: dict[str, list[str]] = {}
    for cls in [DomainError, *subclasses(DomainError)]:
        if cls.__module__.startswith("kopdes.") and ".tests" not in cls.__module__:
            owners.setdefault(cls.code, []).append(f"{cls.__module__}.{cls.__qualname__}")
    undotted = sorted(code for code in owners if "." not in code and code != "error")
    shared = {code: names for code, names in owners.items() if len(names) > 1}
    assert len(owners) > 80
    assert undotted == []
    assert shared == {}


def test_spreadsheets_are_written_through_append_row_only():
    """A text cell written by openpyxl's own `append` or `cell(value=...)` becomes a formula when
    it starts with "=": every writer goes through core.spreadsheet.append_row (formula injection)."""
    import re

    src = Path(__file__).resolve().parent.parent / "src" / "kopdes"
    writers = re.compile(r"\.append\((?!\s*\[\s*\]\s*\))|\.cell\([^)]*value=")
    offenders = [
        f"{path.relative_to(src)}:{n}"
        for path in src.rglob("*.py")
        if "tests" not in path.parts
        and path.name != "spreadsheet.py"
        and "openpyxl" in (text := path.read_text())
        for n, line in enumerate(text.splitlines(), 1)
        if re.search(r"\b(sheet|ws|worksheet)\b", line) and writers.search(line)
    ]
    assert offenders == []
