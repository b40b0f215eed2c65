"""The smallest end-to-end check: a real browser loads the API docs from the live server."""

from playwright.sync_api import expect


def test_api_docs_render(page):
    response = page.goto("/api/v1/docs")
    assert response is not None and response.ok
    expect(page).to_have_title("Kopdes API")
    # Swagger UI ran (its script and styles came from the app itself, under the CSP).
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Kopdes API")
    assert page.console_errors == []


def test_regions_survive_the_live_server_flush(page):
    """Data-migration rows are restored for every browser test (serialized rollback)."""
    from kopdes.regions.models import Village

    assert Village.objects.filter(code__startswith="36.03.").count() == 274
