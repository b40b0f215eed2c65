"""Earlier versions stored "nik.active_elsewhere" warnings naming another cooperative where the
NIK was an active member: a fact outside the officer's scope. They are removed."""

from django.db import migrations


def forget(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    for member in Member.objects.exclude(nik_warnings=[]).only("pk", "nik_warnings").iterator():
        kept = [w for w in member.nik_warnings or [] if w.get("code") != "nik.active_elsewhere"]
        if kept != member.nik_warnings:
            Member.objects.filter(pk=member.pk).update(nik_warnings=kept)


class Migration(migrations.Migration):
    dependencies = [("members", "0001_membership")]

    operations = [migrations.RunPython(forget, migrations.RunPython.noop)]
