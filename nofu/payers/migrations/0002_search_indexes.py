"""Indexes for payer search at a million rows (issue 2, see nofu/payers/search.py).

- name_key / kana_key: the single-column indexes give way to (key, total_unpaid), so a
  prefix that matches thousands is ranked from the index alone. Dropped by name rather
  than by AlterField, which SQLite would answer by copying the whole payers table.
- payers_address (key, payer_id): address search by key prefix.
- PostgreSQL only: a pg_trgm GIN index on payers_address.key for the substring fallback
  (LIKE '%…%'). Skipped, with a notice, where the server does not offer pg_trgm: the
  fallback then scans, which is slower but gives the same answers.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

OLD_INDEXES = {
    "name_key": "payers_payer_name_key_d5610b66",
    "kana_key": "payers_payer_kana_key_e18cd58a",
}
TRIGRAM_INDEX = "address_key_trgm"


def drop_single_column_indexes(apps: Any, schema_editor: Any) -> None:
    for name in OLD_INDEXES.values():
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}_like")


def create_single_column_indexes(apps: Any, schema_editor: Any) -> None:
    postgres = schema_editor.connection.vendor == "postgresql"
    for column, name in OLD_INDEXES.items():
        schema_editor.execute(f"CREATE INDEX {name} ON payers_payer ({column})")
        if postgres:
            schema_editor.execute(
                f"CREATE INDEX {name}_like ON payers_payer ({column} varchar_pattern_ops)"
            )


def create_trigram_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        available = cur.fetchone() is not None
    if not available:
        print(
            "\n  pg_trgm is not available on this server (Debian: postgresql-contrib): "
            "address substring search will scan payers_address"
        )
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON payers_address USING gin (key gin_trgm_ops)"
    )


def drop_trigram_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("payers", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="payer",
                    name="kana_key",
                    field=models.CharField(blank=True, max_length=200),
                ),
                migrations.AlterField(
                    model_name="payer",
                    name="name_key",
                    field=models.CharField(blank=True, max_length=200),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_single_column_indexes, create_single_column_indexes)
            ],
        ),
        migrations.AddIndex(
            model_name="payer",
            index=models.Index(
                fields=["name_key", "total_unpaid"],
                name="payer_name_key_unpaid",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
        ),
        migrations.AddIndex(
            model_name="payer",
            index=models.Index(
                fields=["kana_key", "total_unpaid"],
                name="payer_kana_key_unpaid",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
        ),
        migrations.AddIndex(
            model_name="address",
            index=models.Index(
                fields=["key", "payer"],
                name="address_key_payer",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
