"""The payers' search indexes carry the id too: PostgreSQL keeps no row id in an index,
so without it the has-installments check made every match a heap read (佐藤, 3,764
matches: 3.9 ms by bitmap heap scan, 0.8 ms by index-only scan). SQLite's index already
holds the rowid; the extra column costs it nothing.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("payers", "0002_search_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="payer",
            name="payer_name_key_unpaid",
        ),
        migrations.RemoveIndex(
            model_name="payer",
            name="payer_kana_key_unpaid",
        ),
        migrations.AddIndex(
            model_name="payer",
            index=models.Index(
                fields=["name_key", "total_unpaid", "id"],
                name="payer_name_key_unpaid",
                opclasses=["varchar_pattern_ops", "int8_ops", "int8_ops"],
            ),
        ),
        migrations.AddIndex(
            model_name="payer",
            index=models.Index(
                fields=["kana_key", "total_unpaid", "id"],
                name="payer_kana_key_unpaid",
                opclasses=["varchar_pattern_ops", "int8_ops", "int8_ops"],
            ),
        ),
    ]
