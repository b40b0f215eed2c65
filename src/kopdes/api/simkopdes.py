"""The SIMKOPDES exports in the API (docs/simkopdes.md): `GET /supervision/simkopdes`, one
table's rows (SIMKOPDES's column names) of one cooperative (`cooperative_id`) or of every
cooperative the caller may export (their own cooperatives' officers; supervisors other than
CSR partners, their scope; the members' tables only where a role may see the members). JSON by
default, `format=csv` for the CSV file. A cooperative outside the caller's reach is 404
`request.not_found`; an unknown table 422 `supervision.unknown_table`."""

from typing import Any, Literal

from django.http import HttpResponse
from ninja import Query, Router

from kopdes.accounts.access import cooperative_access
from kopdes.api.base import api, errors
from kopdes.supervision import simkopdes

router = Router(tags=["supervision"])

CSV = {
    200: {
        "description": "The rows: a JSON list of objects, or with format=csv the CSV file",
        "content": {
            "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
            "text/csv": {"schema": {"type": "string"}},
        },
    }
}


@router.get(
    "/simkopdes",
    response={200: list[dict[str, Any]], **errors(401, 404)},
    summary="A SIMKOPDES table",
    openapi_extra={"responses": CSV},
)
def simkopdes_table(
    request,
    table: str = Query("profil_koperasi", description=", ".join(simkopdes.TABLES)),
    cooperative_id: str = Query("", description="One cooperative; every one in reach if empty"),
    format: Literal["json", "csv"] = "json",
):
    """One SIMKOPDES table (profil_koperasi, pengurus_koperasi, anggota_koperasi,
    simpanan_anggota, gerai_koperasi, modal_koperasi, rat_koperasi) with SIMKOPDES's columns."""
    simkopdes.get_table(table)
    if cooperative_id:
        cooperatives = [
            cooperative_access(request.user, cooperative_id, need=simkopdes.needed(table))
        ]
    else:
        cooperatives = list(simkopdes.exportable(request.user, table))
    if format == "csv":
        response = HttpResponse(
            simkopdes.render(table, cooperatives, "csv"), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{table}.csv"'
        return response
    columns = simkopdes.TABLES[table].columns
    return [{k: row[k] for k in columns} for row in simkopdes.rows(table, cooperatives)]


api.add_router("/supervision", router)
