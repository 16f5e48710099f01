"""The agency-entered cost of a service per period; and, on PostgreSQL, the event view
gains the columns the satisfaction and cost measures read (``score``, ``period``,
``amount``), after its existing ones, as ``eventlog.SCHEMA`` has them."""

import importlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

_FIRST = importlib.import_module("goodgov.performance.migrations.0001_public_event_view")

VIEW = _FIRST.VIEW.replace(
    """  e.public::text AS data
""",
    """  e.public::text AS data,
  CASE WHEN jsonb_typeof(e.public -> 'score') = 'number'
        AND (e.public ->> 'score') ~ '^-?[0-9]+$'
       THEN (e.public ->> 'score')::bigint END AS score,
  CASE WHEN jsonb_typeof(e.public -> 'period') = 'string'
       THEN e.public ->> 'period' END AS period,
  CASE WHEN (e.public ->> 'amount') ~ '^-?[0-9]+(\\.[0-9]+)?$'
       THEN (e.public ->> 'amount')::double precision END AS amount
""",
)
assert VIEW != _FIRST.VIEW


def widen_view(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(VIEW)


def narrow_view(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP VIEW IF EXISTS performance_public_event")
        schema_editor.execute(_FIRST.VIEW)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0001_initial"),
        ("performance", "0002_plans"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ServiceCost",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("period", models.CharField(max_length=7)),
                ("amount", models.DecimalField(decimal_places=2, max_digits=14)),
                (
                    "entered_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "service",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="costs",
                        to="catalogue.service",
                    ),
                ),
            ],
            options={
                "ordering": ["service__code", "-period"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("service", "period"), name="servicecost_one_per_period"
                    )
                ],
            },
        ),
        migrations.RunPython(widen_view, narrow_view),
    ]
