"""Two names of the chart template change (SAK EP wording, docs/domain.md §2): the header "2
Kewajiban" is "Liabilitas", and 3-106, where the year-end close carries each year's result until
the RAT divides it, is "SHU belum dibagi" (the balance sheet's "SHU tahun berjalan" is this
year's result, not yet closed: two lines no longer share a name). Only accounts still carrying
the template's old name are renamed; a name an officer chose is kept. Account names are not part
of any entry's canonical document, so no hash changes."""

from django.db import migrations

RENAMES = [("2", "Kewajiban", "Liabilitas"), ("3-106", "SHU tahun berjalan", "SHU belum dibagi")]


def forward(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    for code, old, new in RENAMES:
        Account.objects.filter(code=code, name=old).update(name=new)


def backward(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    for code, old, new in RENAMES:
        Account.objects.filter(code=code, name=new).update(name=old)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0005_closed_month_snapshots_immutable")]

    operations = [migrations.RunPython(forward, backward)]
