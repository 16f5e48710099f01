"""The events' ``action`` index kept, the ``LIKE`` index PostgreSQL adds beside it dropped
(no query matches actions by pattern). The database side only drops that index; the
action index stays as it is, under its name, now declared in ``Meta.indexes``.
``IF EXISTS``: SQLite never had it.
"""

from django.db import migrations, models

LIKE = "ledger_event_action_aed8d493_like"


def _drop(apps, schema_editor):
    schema_editor.execute(f'DROP INDEX IF EXISTS "{LIKE}"')


def _restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{LIKE}" ON "ledger_event" ("action" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_sequencer")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="event", name="action", field=models.CharField(max_length=64)
                ),
                migrations.AddIndex(
                    model_name="event",
                    index=models.Index(fields=["action"], name="ledger_event_action_aed8d493"),
                ),
            ],
            database_operations=[migrations.RunPython(_drop, _restore)],
        ),
    ]
