"""Five indexes no query uses, dropped without rebuilding anything else.

The case's own ``agency`` index (the (agency, state, due_at) index starts with it), its
``state`` index (every query by state is also by agency, service or applicant), and the
``LIKE`` indexes PostgreSQL adds beside an indexed or unique text column (no query
matches the reference or the state by pattern). The database side only drops indexes:
the foreign key and the reference's unique constraint stay as they are (letting Django
alter the fields would drop and re-add the foreign key, checking every row, and rebuild
the unique index). ``IF EXISTS``: SQLite never had the ``LIKE`` indexes.
"""

import django.db.models.deletion
from django.db import migrations, models

DROPPED = {
    # name: how to make it again (on both databases; the LIKE ones are PostgreSQL's own)
    "cases_case_agency_id_062136fa": 'CREATE INDEX IF NOT EXISTS "cases_case_agency_id_062136fa" ON "cases_case" ("agency_id")',
    "cases_case_state_eb673365": 'CREATE INDEX IF NOT EXISTS "cases_case_state_eb673365" ON "cases_case" ("state")',
    "cases_case_state_eb673365_like": None,
    "cases_case_reference_cb43aa34_like": None,
}


def _drop(apps, schema_editor):
    for name in DROPPED:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def _restore(apps, schema_editor):
    for name, create in DROPPED.items():
        if create is not None:
            schema_editor.execute(create)
        elif schema_editor.connection.vendor == "postgresql":
            column = "state" if "state" in name else "reference"
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "cases_case" ("{column}" varchar_pattern_ops)'
            )


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0002_executive_role"),
        ("cases", "0002_fetched_fact"),
        ("catalogue", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="agency",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases",
                        to="agencies.agency",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="reference",
                    field=models.CharField(blank=True, max_length=40, null=True),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="state",
                    field=models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("submitted", "Submitted"),
                            ("in_review", "Being reviewed"),
                            ("info_requested", "Information requested"),
                            ("approved", "Approved"),
                            ("rejected", "Rejected"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        default="draft",
                        max_length=20,
                    ),
                ),
                # The unique constraint the field had, under the name PostgreSQL gave it.
                migrations.AddConstraint(
                    model_name="case",
                    constraint=models.UniqueConstraint(
                        fields=("reference",), name="cases_case_reference_key"
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(_drop, _restore)],
        ),
    ]
