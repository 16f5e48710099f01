"""On PostgreSQL, the event view gains ``clock_stopped`` (a request for information under a
service whose deadline stands still until the answer), after its existing columns, as
``eventlog.SCHEMA`` has it: the month-end measures read it."""

import importlib

from django.db import migrations

_PREVIOUS = importlib.import_module("goodgov.performance.migrations.0003_service_cost")

VIEW = _PREVIOUS.VIEW.replace(
    """       THEN (e.public ->> 'amount')::double precision END AS amount
""",
    """       THEN (e.public ->> 'amount')::double precision END AS amount,
  CASE WHEN jsonb_typeof(e.public -> 'clock_stopped') = 'boolean'
       THEN (e.public ->> 'clock_stopped')::boolean END AS clock_stopped
""",
)
assert VIEW != _PREVIOUS.VIEW


def widen_view(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(VIEW)


def narrow_view(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP VIEW IF EXISTS performance_public_event")
        schema_editor.execute(_PREVIOUS.VIEW)


class Migration(migrations.Migration):
    dependencies = [("performance", "0003_service_cost")]

    operations = [migrations.RunPython(widen_view, narrow_view)]
