"""Trigram indexes for forgiving search (partnerships/search.py): pg_trgm and a GIN index on
each search_name, so that `search_name % 'hartlepol'` finds "hartlepool" from the index.

PostgreSQL only: on SQLite both operations do nothing (search matches typos there in Python).
The indexes live in the database alone, not in the models' state, because SQLite has no GIN.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

MODELS = ["area", "place", "partnership"]


def _index(model_name):
    return GinIndex(
        fields=["search_name"], name=f"{model_name}_search_trgm", opclasses=["gin_trgm_ops"]
    )


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name in MODELS:
        schema_editor.add_index(apps.get_model("partnerships", model_name), _index(model_name))


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name in MODELS:
        schema_editor.remove_index(apps.get_model("partnerships", model_name), _index(model_name))


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0007_national_help_bodies")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
