"""Two curators importing the same file at the same moment create each record once."""

import threading

import pytest
from django.db import connection, connections

from curation.imports import file_import
from partnerships.models import Body, Organisation, Partnership, Person, Seat

from .test_curator_import import seat_rows, to_csv

MODELS = [Partnership, Body, Organisation, Person, Seat]


@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_of_the_same_file_do_not_duplicate_records(areas):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; SQLite runs one writer at a time")
    data = to_csv(seat_rows())
    start = threading.Barrier(2)
    results, errors = [], []

    def import_file():
        try:
            start.wait()
            results.append(
                file_import(kind="seats", data=data, filename="seats.csv", dry_run=False)
            )
        except Exception as error:  # reported below, with the thread's traceback lost
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=import_file) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    assert all(result.written and not result.problems for result in results), results
    counts = {model.__name__: model.objects.count() for model in MODELS}
    assert counts == {"Partnership": 1, "Body": 2, "Organisation": 2, "Person": 2, "Seat": 3}
