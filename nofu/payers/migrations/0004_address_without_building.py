"""Addresses were stored as the whole display text, building included, beside the building
on its own: every page, label and file that writes both wrote the building twice. The
address keeps the place (prefecture to block) only from now on; this strips the building
from the rows stored before."""

from django.db import migrations

# the display joined place and building with one U+3000; both databases count characters
STRIP = """
UPDATE {table} SET address = substr(address, 1, length(address) - length(building) - 1)
WHERE building <> '' AND length(address) > length(building)
  AND substr(address, length(address) - length(building)) = '\u3000' || building
"""


class Migration(migrations.Migration):
    dependencies = [("payers", "0003_search_indexes_with_id")]

    operations = [
        migrations.RunSQL(STRIP.format(table=t), migrations.RunSQL.noop)
        for t in ("payers_payer", "payers_address", "payers_installment")
    ]
