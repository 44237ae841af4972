"""A reissue to the registered address copied the payer's address, building included, and
the building again (see payers 0004): stripped here the same way."""

from django.db import migrations

STRIP = """
UPDATE calls_slipreissue SET address = substr(address, 1, length(address) - length(building) - 1)
WHERE building <> '' AND length(address) > length(building)
  AND substr(address, length(address) - length(building)) = '\u3000' || building
"""


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0005_contact_operator_at"),
        ("payers", "0004_address_without_building"),
    ]

    operations = [migrations.RunSQL(STRIP, migrations.RunSQL.noop)]
