# The tables of the representation report's stored summary, and the triggers that queue
# every change the report counts (partnerships/summary.py brings the summary up to date).

from django.db import migrations, models
import django.db.models.deletion

QUEUE = "partnerships_tallyqueue"
SEATS_OF = "SELECT partnership_id FROM partnerships_body WHERE id = {row}.body_id"
COVERING = "SELECT partnership_id FROM partnerships_partnership_areas WHERE area_id = {row}.{area}"

# For each table, what a changed row queues ({row} is the row before or after the change):
# the partnerships whose counts it can change, the regions whose organisations it can
# change, and whether it can change England's organisations.
QUEUED = {
    "partnerships_seat": [f"INSERT INTO {QUEUE} (partnership_id) {SEATS_OF}"],
    "partnerships_body": [f"INSERT INTO {QUEUE} (partnership_id) VALUES ({{row}}.partnership_id)"],
    "partnerships_partnership": [f"INSERT INTO {QUEUE} (partnership_id) VALUES ({{row}}.id)"],
    "partnerships_partnership_areas": [
        f"INSERT INTO {QUEUE} (partnership_id) VALUES ({{row}}.partnership_id)"
    ],
    "partnerships_organisation": [
        f"INSERT INTO {QUEUE} (organisations) VALUES (TRUE)",
        f"INSERT INTO {QUEUE} (partnership_id) SELECT DISTINCT b.partnership_id"
        " FROM partnerships_seat s JOIN partnerships_body b ON b.id = s.body_id"
        " WHERE s.organisation_id = {row}.id",
        f"INSERT INTO {QUEUE} (partnership_id) SELECT DISTINCT pa.partnership_id"
        " FROM partnerships_organisation_areas oa"
        " JOIN partnerships_partnership_areas pa ON pa.area_id = oa.area_id"
        " WHERE oa.organisation_id = {row}.id",
        f"INSERT INTO {QUEUE} (region_id) SELECT DISTINCT a.region_id"
        " FROM partnerships_organisation_areas oa JOIN partnerships_area a ON a.id = oa.area_id"
        " WHERE oa.organisation_id = {row}.id",
    ],
    "partnerships_organisation_areas": [
        f"INSERT INTO {QUEUE} (partnership_id) " + COVERING.replace("{area}", "area_id"),
        f"INSERT INTO {QUEUE} (region_id)"
        " SELECT region_id FROM partnerships_area WHERE id = {row}.area_id",
    ],
    "partnerships_area": [
        f"INSERT INTO {QUEUE} (partnership_id) " + COVERING.replace("{area}", "id"),
        f"INSERT INTO {QUEUE} (region_id) VALUES ({{row}}.region_id)",
    ],
    "partnerships_region": [f"INSERT INTO {QUEUE} (region_id) VALUES ({{row}}.id)"],
}


def statements(table, row):
    return "".join(f"{sql.format(row=row)}; " for sql in QUEUED[table])


def create_triggers(apps, schema_editor):
    run = schema_editor.execute
    for table in QUEUED:
        name = f"tally_queue_{table}"
        if schema_editor.connection.vendor == "postgresql":
            run(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF TG_OP <> 'DELETE' THEN {statements(table, 'NEW')}END IF; "
                f"IF TG_OP <> 'INSERT' THEN {statements(table, 'OLD')}END IF; "
                "RETURN NULL; END $$"
            )
            run(
                f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {name}()"
            )
        else:  # SQLite
            rows = {
                "INSERT": ["NEW"],
                "UPDATE": ["NEW", "OLD"],
                "DELETE": ["OLD"],
            }
            for event, seen in rows.items():
                body = "".join(statements(table, row) for row in seen)
                run(
                    f"CREATE TRIGGER {name}_{event.lower()} AFTER {event} ON {table} BEGIN {body}END"
                )


def drop_triggers(apps, schema_editor):
    for table in QUEUED:
        name = f"tally_queue_{table}"
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_{event}")


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0009_vacant_seats"),
    ]

    operations = [
        migrations.CreateModel(
            name="PartnershipTally",
            fields=[
                (
                    "partnership",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="partnerships.partnership",
                    ),
                ),
                ("scopes", models.JSONField(help_text="The scopes its tally is added into.")),
                ("tally", models.JSONField()),
                ("figures", models.JSONField()),
            ],
        ),
        migrations.CreateModel(
            name="ScopeTally",
            fields=[
                ("key", models.CharField(max_length=30, primary_key=True, serialize=False)),
                ("day", models.DateField()),
                ("tally", models.JSONField()),
                ("figures", models.JSONField()),
            ],
        ),
        migrations.CreateModel(
            name="TallyQueue",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("partnership_id", models.IntegerField(null=True)),
                ("region_id", models.IntegerField(null=True)),
                ("organisations", models.BooleanField(db_default=False)),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
