"""Who created each record, indexed: curation.rules.changeable lets a curator change what
they created (history_type '+' with their user), and asks each history table for it.

Most history rows have no user (loaded data, scripts), and SQLite's statistics count them
as one value: with the plain index on history_user_id it expected 500,000 rows a user, read
the whole history of the seats and the people instead (50 ms each, three times a seat form
at 500,000 seats). These partial indexes hold only the rows a user created: each lookup is
a few rows on either database.
"""

from django.db import migrations

HISTORY = [
    ("partnerships", "HistoricalPartnership"),
    ("partnerships", "HistoricalBody"),
    ("partnerships", "HistoricalOrganisation"),
    ("partnerships", "HistoricalPerson"),
    ("partnerships", "HistoricalSeat"),
    ("partnerships", "HistoricalDocument"),
    ("networks", "HistoricalNetwork"),
]


def tables(apps):
    return [apps.get_model(app, name)._meta.db_table for app, name in HISTORY]


def create(apps, schema_editor):
    quote = schema_editor.quote_name
    for table in tables(apps):
        schema_editor.execute(
            f"CREATE INDEX {quote(table + '_creator_idx')} ON {quote(table)} (history_user_id) "
            "WHERE history_type = '+' AND history_user_id IS NOT NULL"
        )


def drop(apps, schema_editor):
    for table in tables(apps):
        schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(table + '_creator_idx')}")


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0013_demo_and_womens_indexes"),
        ("networks", "0002_history"),
    ]

    operations = [migrations.RunPython(create, drop)]
