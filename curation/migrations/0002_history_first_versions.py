"""Give every curated record that has no history row a first version (many-to-many rows
included), so that a curator's first edit of a record made before history, or by a bulk
path, can be undone from its History page."""

from django.db import migrations

from curation.history import history_first_versions_ensure


def first_versions(apps, schema_editor):
    history_first_versions_ensure(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("curation", "0001_initial"),
        ("partnerships", "0005_partnership_name_index"),
        ("networks", "0002_history"),
    ]

    operations = [migrations.RunPython(first_versions, migrations.RunPython.noop)]
