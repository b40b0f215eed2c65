"""`kopdes serve`: its options, and a real gunicorn serving the API in production mode."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kopdes.core.management.commands import serve


@pytest.mark.parametrize(("cores", "workers"), [(1, 3), (2, 4), (8, 4)])
def test_default_workers_is_two_per_core_plus_one_capped(cores, workers):
    assert serve.default_workers(cores) == workers


def test_options_for_gunicorn():
    options = serve.gunicorn_options(host="0.0.0.0", port=8080, workers=3)
    assert options["bind"] == ["0.0.0.0:8080"]
    assert options["workers"] == 3
    assert options["worker_class"] == "sync"
    assert options["preload_app"] is True
    assert options["control_socket_disable"] is True
    threaded = serve.gunicorn_options(host="::1", port=80, workers=1, threads=4, access_log=False)
    assert threaded["bind"] == ["[::1]:80"]
    assert threaded["worker_class"] == "gthread"
    assert threaded["accesslog"] is None


def test_every_option_reaches_gunicorn(monkeypatch):
    from gunicorn.config import Config

    config = Config()
    for key, value in serve.gunicorn_options(host="127.0.0.1", port=8000, workers=2).items():
        if value is not None:
            config.set(key, value)  # raises on an unknown setting or a bad value
    assert config.workers == 2


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:8000/"),
        ("0.0.0.0", "http://127.0.0.1:8000/"),
        ("::1", "http://[::1]:8000/"),
    ],
)
def test_display_url(host, url):
    assert serve.display_url(host, 8000) == url


@pytest.mark.parametrize("argv", [["--port", "0"], ["--port", "70000"], ["--workers", "0"]])
def test_bad_options_are_refused(argv):
    with pytest.raises(CommandError):
        call_command("serve", *argv)


@pytest.mark.django_db
def test_refuses_a_database_with_unapplied_migrations(monkeypatch):
    monkeypatch.setattr(serve, "run_gunicorn", lambda options: pytest.fail("must not serve"))

    class Plan:
        def __init__(self, connection):
            pass

        loader = type(
            "Loader", (), {"graph": type("Graph", (), {"leaf_nodes": lambda self: []})()}
        )()

        def migration_plan(self, targets):
            return [(type("Migration", (), {"app_label": "ledger"})(), False)]

    monkeypatch.setattr("django.db.migrations.executor.MigrationExecutor", Plan)
    with pytest.raises(CommandError, match="kopdes migrate"):
        call_command("serve", "--port", "8123")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback only)
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


@pytest.mark.django_db
def test_production_mode_runs_deploy_checks_and_collectstatic_first(settings, monkeypatch):
    """The real production start (collectstatic compresses every file: minutes on a busy
    machine) is exercised by .ci/run, which serves the schemathesis run that way."""
    settings.PRODUCTION = True
    calls = []
    monkeypatch.setattr(serve, "call_command", lambda name, **kw: calls.append((name, kw)))
    monkeypatch.setattr(serve, "run_gunicorn", lambda options: calls.append(("gunicorn", options)))
    call_command("serve", "--port", "8123", "--workers", "2")
    assert [name for name, _ in calls] == ["check", "collectstatic", "gunicorn"]
    assert calls[0][1]["deploy"] is True
    assert calls[1][1]["interactive"] is False
    assert calls[2][1]["bind"] == ["127.0.0.1:8123"]
    assert calls[2][1]["workers"] == 2


@pytest.mark.django_db
def test_development_mode_does_not_collect_static_files(settings, monkeypatch, tmp_path):
    settings.PRODUCTION = False
    settings.STATIC_ROOT = tmp_path / "static"
    calls = []
    monkeypatch.setattr(serve, "call_command", lambda name, **kw: calls.append(name))
    monkeypatch.setattr(serve, "run_gunicorn", lambda options: calls.append("gunicorn"))
    call_command("serve")
    assert calls == ["gunicorn"]
    assert (tmp_path / "static").is_dir()  # whitenoise warns at start-up without it


def test_serves_the_api_with_gunicorn(tmp_path):
    """Migrate a fresh SQLite database, then `kopdes serve` it: API, docs and static files."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("KOPDES_", "DATABASE_URL", "DJANGO_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="kopdes.settings.base",
        KOPDES_DATA_DIR=str(tmp_path),
        KOPDES_ENV="development",
        KOPDES_LOG_LEVEL="WARNING",
    )
    cli = [sys.executable, "-m", "kopdes.cli"]
    subprocess.run([*cli, "migrate", "-v0"], env=env, check=True, timeout=300)
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*cli, "serve", "--port", str(port), "--workers", "1", "--no-access-log"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                status, content_type, body = _get(f"{base}/api/v1/openapi.json")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"kopdes serve did not start:\n{log.read_text(errors='replace')}")
                time.sleep(0.3)
        assert status == 200, body[:500]
        assert content_type.startswith("application/json")
        assert b'"openapi"' in body

        status, _type, page = _get(f"{base}/api/v1/docs")
        assert status == 200
        # whitenoise serves the docs' own styles.
        css = re.search(rb'href="(/static/ninja/swagger-ui[.0-9a-f]*\.css)"', page)
        assert css, page[:1000]
        status, content_type, _body = _get(base + css.group(1).decode())
        assert (status, content_type.split(";")[0]) == (200, "text/css")
        assert f"Kopdes is serving at {base}/" in log.read_text(errors="replace")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    assert server.returncode == 0, log.read_text(errors="replace")
