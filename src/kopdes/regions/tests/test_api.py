"""GET /api/v1/regions/...: public, every answer in the documented shapes."""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kopdes.regions.models import Village

pytestmark = pytest.mark.django_db

BASE = "/api/v1/regions"


def test_provinces_is_public_and_counted(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get(f"{BASE}/provinces")
    assert response.status_code == 200
    (banten,) = [p for p in response.json() if p["code"] == "36"]
    assert banten == {
        "code": "36",
        "name": "Banten",
        "level": "province",
        "kind": None,
        "parent_code": None,
        "lat": None,
        "lng": None,
        "counts": {"regencies": 1, "districts": 29, "villages": 274, "desa": 246, "kelurahan": 28},
    }


def test_regency_with_children(client):
    body = client.get(f"{BASE}/36.03").json()
    assert (body["code"], body["level"], body["kind"], body["parent_code"]) == (
        "36.03",
        "regency",
        "kabupaten",
        "36",
    )
    assert body["ancestors"] == [{"code": "36", "name": "Banten", "level": "province"}]
    assert body["counts"] == {
        "regencies": None,
        "districts": 29,
        "villages": 274,
        "desa": 246,
        "kelurahan": 28,
    }
    assert len(body["children"]) == 29
    balaraja = body["children"][0]
    assert balaraja["code"] == "36.03.01"
    assert balaraja["level"] == "district"
    assert balaraja["parent_code"] == "36.03"
    assert balaraja["counts"]["villages"] == 9
    assert isinstance(balaraja["lat"], float)


def test_village_by_digits(client):
    body = client.get(f"{BASE}/3603012003").json()
    assert body["code"] == "36.03.01.2003"
    assert (body["name"], body["level"], body["kind"]) == ("Cangkudu", "village", "desa")
    assert (body["lat"], body["lng"]) == (-6.228146, 106.43162)
    assert [a["code"] for a in body["ancestors"]] == ["36", "36.03", "36.03.01"]
    assert body["children"] == []


@pytest.mark.parametrize("code", ["99", "36.04", "36.03.21", "36.03.01.2999"])
def test_unknown_code_is_404(client, code):
    response = client.get(f"{BASE}/{code}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "request.not_found"


@pytest.mark.parametrize(
    "code",
    ["abc", "36.70", "36.03.01.0001", "36/03", "9" * 5000, "%00", "%E2%98%83", "36.03.01.2003.1"],
)
def test_malformed_code_is_422(client, code):
    response = client.get(f"{BASE}/{code}")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "request.invalid"
    assert list(error["fields"]) == ["code"]


def test_search(client):
    response = client.get(f"{BASE}/search", {"q": "CANGKUDU"})
    assert response.status_code == 200
    assert response.json() == [
        {
            "code": "36.03.01.2003",
            "name": "Cangkudu",
            "kind": "desa",
            "district_code": "36.03.01",
            "district_name": "Balaraja",
            "regency_code": "36.03",
            "regency_name": "Kabupaten Tangerang",
            "province_code": "36",
            "province_name": "Banten",
        }
    ]
    Village.objects.bulk_create(
        Village(code=f"36.03.01.2{n:03d}", district_id="36.03.01", name=f"Uji {n}", kind="desa")
        for n in range(100, 180)
    )
    assert len(client.get(f"{BASE}/search", {"q": "uji"}).json()) == 50
    scoped = client.get(f"{BASE}/search", {"q": "suka", "within": "36.03.01"}).json()
    assert scoped and all(hit["district_code"] == "36.03.01" for hit in scoped)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": "ab"}, "q"),
        ({"q": "  a "}, "q"),
        ({"q": "a" * 500}, "q"),
        ({"q": "abc\x00"}, "q"),
        ({"q": "suka", "within": "36.70"}, "within"),
    ],
)
def test_bad_search_is_422(client, params, field):
    response = client.get(f"{BASE}/search", params)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "request.invalid"
    assert field in error["fields"]


def test_openapi_declares_every_status(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    def statuses(path: str) -> set[str]:
        return {str(status) for status in paths[path]["get"]["responses"]}

    assert statuses(f"{BASE}/{{code}}") == {"200", "404", "422"}
    assert statuses(f"{BASE}/search") == {"200", "422"}
    assert statuses(f"{BASE}/provinces") == {"200", "422"}
    for path in (f"{BASE}/{{code}}", f"{BASE}/search", f"{BASE}/provinces"):
        assert not paths[path]["get"].get("security")


# Whatever arrives (unicode, NUL, slashes, very long text), the answer is one of the declared
# statuses in our error shape, never a 500.
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=st.text(max_size=60) | st.from_regex(r"[0-9.]{1,16}", fullmatch=True))
def test_random_input_never_fails(client, text):
    code = client.get(f"{BASE}/{quote(text, safe='')}") if text else None
    if code is not None:
        assert code.status_code in (200, 404, 422), (text, code.status_code)
        if code.status_code != 200:
            assert code.json()["error"]["code"] in ("request.not_found", "request.invalid")
    search = client.get(
        f"{BASE}/search", {"q": text, "within": text[:20] or None} if text[:20] else {"q": text}
    )
    assert search.status_code in (200, 422), (text, search.status_code)
