"""On the embedded default (SQLite, what `make run` uses), curators who confirm imports at
the same moment take turns: none of them gets "database is locked" (the 503 page)."""

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.db import connection

from .test_curator_import import SEAT, to_csv

ROOT = Path(__file__).resolve().parent.parent
AREAS = ["E06000001", "E06000002", "E06000003"]  # Hartlepool, Middlesbrough, Redcar
ROWS = 500

# One writer: Django set up on the file database, then one import (curation.imports, the
# code behind the admin's confirm button) the moment the start file appears.
WRITER = textwrap.dedent(
    """
    import json, os, sys, time
    import django
    django.setup()
    from curation.imports import file_import
    path, start = sys.argv[1], sys.argv[2]
    data = open(path, "rb").read()
    while not os.path.exists(start):
        time.sleep(0.005)
    began = time.monotonic()
    try:
        result = file_import(kind="seats", data=data, filename=path, dry_run=False)
        outcome = {"written": result.written, "problems": [str(p) for p in result.problems]}
    except Exception as error:
        outcome = {"error": f"{type(error).__name__}: {error}"}
    outcome["seconds"] = round(time.monotonic() - began, 2)
    print(json.dumps(outcome))
    """
)


def seats_file(area_code, number):
    rows = [
        {
            **SEAT,
            "area_code": area_code,
            "partnership": f"Partnership {number}",
            "person": f"Person {number}-{row}",
            "organisation": f"Organisation {number}-{row % 40}",
            "email": "",
            "phone": "",
            "publish_contact": "no",
        }
        for row in range(ROWS)
    ]
    return to_csv(rows)


@pytest.mark.django_db(transaction=True)  # the backup below needs no transaction open
def test_three_curators_confirming_imports_at_once_take_turns(tmp_path, areas):
    """Three processes (as three gunicorn workers would be) write to one SQLite file at the
    same moment; each import is a transaction of about a thousand inserts."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's locking; PostgreSQL's concurrent imports: test_concurrent_imports")
    database = tmp_path / "directory.sqlite3"
    # The test database (migrated, with the real areas) copied into a file: the writers are
    # other processes, and the test database lives in this process's memory.
    connection.ensure_connection()
    with sqlite3.connect(database) as copy:
        connection.connection.backup(copy)
    copy.close()
    start = tmp_path / "start"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lsp_directory.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "PYTHONPATH": str(ROOT),
    }
    writers = []
    for number, area_code in enumerate(AREAS):
        path = tmp_path / f"seats-{number}.csv"
        path.write_bytes(seats_file(area_code, number))
        writers.append(
            subprocess.Popen(
                [sys.executable, "-c", WRITER, str(path), str(start)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    time.sleep(3)  # every writer has set Django up and waits for the start file
    start.touch()
    outcomes = []
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        outcomes.append(json.loads(out.strip().splitlines()[-1]))

    assert all(outcome.get("written") for outcome in outcomes), outcomes
    with sqlite3.connect(database) as check:
        (seats,) = check.execute("SELECT COUNT(*) FROM partnerships_seat").fetchone()
        (mode,) = check.execute("PRAGMA journal_mode").fetchone()
    check.close()
    assert seats == ROWS * len(AREAS)
    assert mode == "wal"
