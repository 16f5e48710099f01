"""On PostgreSQL, the event table the measures read, as a view of the sequenced events.

It has the columns of the Parquet copy (``goodgov.performance.eventlog.SCHEMA``), computed
from the same facts the public entries are made of, so the same Ibis expressions run on
it. On other databases there is nothing to create: the measures run on DuckDB.
"""

from django.db import migrations

VIEW = """
CREATE OR REPLACE VIEW performance_public_event AS
SELECT
  e.leaf_index AS "index",
  e.action AS action,
  a.code AS agency,
  (e.created_at AT TIME ZONE 'UTC') AS "at",
  (EXTRACT(EPOCH FROM e.created_at) * 1000000)::bigint AS at_us,
  e.public ->> 'case' AS "case",
  e.public ->> 'reference' AS reference,
  e.public ->> 'service' AS service,
  CASE WHEN jsonb_typeof(e.public -> 'version') = 'number'
       THEN (e.public ->> 'version')::bigint END AS version,
  e.public ->> 'channel' AS channel,
  ((e.public ->> 'due')::timestamptz AT TIME ZONE 'UTC') AS due,
  (EXTRACT(EPOCH FROM (e.public ->> 'due')::timestamptz) * 1000000)::bigint AS due_us,
  ((e.public ->> 'sla_due')::timestamptz AT TIME ZONE 'UTC') AS sla_due,
  (EXTRACT(EPOCH FROM (e.public ->> 'sla_due')::timestamptz) * 1000000)::bigint AS sla_due_us,
  e.public::text AS data
FROM ledger_event e
LEFT JOIN agencies_agency a ON a.id = e.agency_id
WHERE e.leaf_index IS NOT NULL
"""


def create_view(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(VIEW)


def drop_view(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP VIEW IF EXISTS performance_public_event")


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0002_sequencer"),
        ("agencies", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_view, drop_view)]
