"""The smallest end-to-end checks: a real browser loads the API docs from the live server, and
the database is what every browser test expects."""

import pytest
from browser.lazy_expect import expect
from django.core.management import call_command
from django.db import DatabaseError, transaction

from kopdes.core.models import AuditEvent
from kopdes.regions.models import Village


def test_api_docs_render(page):
    response = page.goto("/api/v1/docs")
    assert response is not None and response.ok
    expect(page).to_have_title("Kopdes API")
    # Swagger UI ran (its script and styles came from the app itself, under the CSP).
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Kopdes API")
    assert page.console_errors == []


def test_regions_survive_the_live_server_flush(page):
    """Data-migration rows are restored for every browser test (serialized rollback)."""
    assert Village.objects.filter(code__startswith="36.03.").count() == 274


def test_the_flush_passes_the_append_only_triggers_which_are_back_after_it():
    """The flush that ends every browser test (the same command Django's teardown runs) passes
    the audit log's append-only triggers, and they are back afterwards. Self-contained: it does
    not rely on another test having written a row before it."""
    AuditEvent.objects.create(action="browser.smoke", object_type="smoke")
    call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
    assert not AuditEvent.objects.filter(action="browser.smoke").exists()
    event = AuditEvent.objects.create(action="browser.smoke", object_type="smoke")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="changed")
