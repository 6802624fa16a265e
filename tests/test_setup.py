"""The set-up contract: settings come from the environment, and a fresh database is built
by the same commands `make run` uses."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, env=None, check=True):
    environment = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=check,
        timeout=300,
    )


def test_production_refuses_to_start_without_a_secret_key():
    env = {"DEBUG": "false", "SECRET_KEY": "", "ALLOWED_HOSTS": "example.org"}
    result = manage("check", env=env, check=False)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_starts_with_a_secret_key():
    env = {"DEBUG": "false", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "example.org"}
    assert manage("check", env=env).returncode == 0


def test_settings_read_the_environment(monkeypatch):
    import importlib

    import lsp_directory.settings as settings_module

    monkeypatch.setenv("DATABASE_URL", "postgres://someone@db.example.org:5433/lsp")
    monkeypatch.setenv("ALLOWED_HOSTS", "lsp.example.org, www.lsp.example.org")
    monkeypatch.setenv("CSRF_TRUSTED_ORIGINS", "https://lsp.example.org")
    monkeypatch.setenv("DEBUG", "false")
    monkeypatch.setenv("SECRET_KEY", "s" * 50)
    try:
        fresh = importlib.reload(settings_module)
        database = fresh.DATABASES["default"]
        # Django's backend with a client-side wait limit (lsp_directory/postgresql/).
        assert database["ENGINE"] == "lsp_directory.postgresql"
        assert (database["HOST"], database["PORT"], database["NAME"]) == (
            "db.example.org",
            5433,
            "lsp",
        )
        assert database["CONN_HEALTH_CHECKS"] is True
        assert fresh.ALLOWED_HOSTS == ["lsp.example.org", "www.lsp.example.org"]
        assert fresh.CSRF_TRUSTED_ORIGINS == ["https://lsp.example.org"]
        assert fresh.DEBUG is False
        assert "Manifest" in fresh.STORAGES["staticfiles"]["BACKEND"]
    finally:
        monkeypatch.undo()
        importlib.reload(settings_module)


def test_without_database_url_the_default_is_sqlite_in_the_project(monkeypatch):
    import importlib

    import lsp_directory.settings as settings_module

    monkeypatch.delenv("DATABASE_URL", raising=False)
    try:
        fresh = importlib.reload(settings_module)
        database = fresh.DATABASES["default"]
        assert database["ENGINE"] == "django.db.backends.sqlite3"
        assert Path(database["NAME"]) == ROOT / "db.sqlite3"
    finally:
        monkeypatch.undo()
        importlib.reload(settings_module)


@pytest.mark.slow
def test_make_run_steps_build_a_working_site_from_an_empty_database(tmp_path):
    """migrate, load_areas, load_demo (as `make run` does) on a new SQLite file, twice."""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    manage("migrate", "--noinput", env=env)
    first = manage("load_areas", env=env).stdout
    second = manage("load_areas", env=env).stdout
    assert "339 areas in 9 regions (339 new)" in first
    assert "339 areas in 9 regions (0 new)" in second
    manage("load_demo", env=env)
    manage("load_demo", env=env)
    page = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.test import Client; c = Client(); r = c.get('/'); "
        "p = c.get('/partnerships/'); "
        "import re; "
        "print(r.status_code, re.search(r'(\\d+) partnerships', p.content.decode())[1])",
        env=env,
    ).stdout.split()
    assert page[0] == "200"
    assert int(page[1]) >= 30  # the demo partnerships
