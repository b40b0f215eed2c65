"""Error pages: readable, translated, right status, no stack trace; 500 needs no context."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.template import loader
from django.test import Client, RequestFactory
from django.urls import include, path

from kopdes.accounts.models import User
from kopdes.web.views import errors

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("secret detail that must not be shown")


def _forbidden(request):
    raise PermissionDenied("internal reason")


def _suspicious(request):
    raise SuspiciousOperation("internal reason")


# This module doubles as the URL conf for the tests below (same handlers as kopdes.urls).
urlpatterns = [
    path("boom/", _boom),
    path("forbidden/", _forbidden),
    path("suspicious/", _suspicious),
    path("", include("kopdes.web.urls")),
]
handler400 = "kopdes.web.views.errors.bad_request"
handler403 = "kopdes.web.views.errors.permission_denied"
handler404 = "kopdes.web.views.errors.page_not_found"
handler500 = "kopdes.web.views.errors.server_error"


def test_404_page(client):
    response = client.get("/tidak-ada/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "web/errors/404.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "Page not found" in html
    assert '<html lang="en">' in html


def test_404_page_is_in_indonesian_by_default(client):
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert '<html lang="id">' in response.content.decode()


def test_404_page_follows_the_persons_language(client):
    person = User.objects.create_user(
        "+6281234567890", "S3cure-pass-123", full_name="Test", language="en"
    )
    client.force_login(person)
    response = client.get("/tidak-ada/", HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Test" in html  # the full layout, with the person's menu


@pytest.mark.urls(__name__)
def test_403_page(client):
    response = client.get("/forbidden/")
    assert response.status_code == 403
    assert "web/errors/403.html" in [t.name for t in response.templates]
    assert "internal reason" not in response.content.decode()


@pytest.mark.urls(__name__)
def test_400_page(client):
    response = client.get("/suspicious/")
    assert response.status_code == 400
    assert "web/errors/400.html" in [t.name for t in response.templates]
    assert "internal reason" not in response.content.decode()


@pytest.mark.urls(__name__)
def test_500_page_has_no_stack_trace():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "secret detail" not in html
    assert "Traceback" not in html
    assert response["X-Request-ID"] in html  # the code to quote to the pengurus


def test_500_template_renders_with_an_empty_context():
    html = loader.get_template("web/errors/500.html").render({})
    assert "500" in html
    assert "<html" in html


def test_500_handler_renders_without_request_or_context_processors(monkeypatch):
    renders = []
    real_get_template = errors.loader.get_template

    class Spy:
        def __init__(self, template):
            self.template = template

        def render(self, context=None, request=None):
            renders.append((dict(context or {}), request))
            return self.template.render(context, request)

    monkeypatch.setattr(errors.loader, "get_template", lambda name: Spy(real_get_template(name)))
    response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"500" in response.content
    [(context, request)] = renders
    assert request is None  # so no context processors run: no user, no navigation, no database
    assert set(context) <= {"request_id"}


def test_500_handler_survives_a_broken_template(monkeypatch):
    def broken(name, *args, **kwargs):
        raise RuntimeError("template storage is broken")

    monkeypatch.setattr(errors.loader, "get_template", broken)
    response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Kopdes" in response.content


def test_csrf_failure_page(settings):
    settings.CSRF_FAILURE_VIEW = "kopdes.web.views.errors.csrf_failure"
    client = Client(enforce_csrf_checks=True)
    response = client.post("/masuk/", {"phone": "081234567890", "password": "x"})
    assert response.status_code == 403
    assert "web/errors/403_csrf.html" in [t.name for t in response.templates]
