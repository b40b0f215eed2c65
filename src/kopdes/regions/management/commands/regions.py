"""`kopdes regions load [--national] [--file PATH]` and `kopdes regions stats`."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from kopdes.regions import selectors, services
from kopdes.regions.errors import RegionFileMalformed, RegionFileMissing


class Command(BaseCommand):
    help = (
        "Load Kemendagri region codes (Kabupaten Tangerang, or all of Indonesia) and show counts."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{load,stats}")
        load = actions.add_parser(
            "load",
            help="Load Kabupaten Tangerang (default) or, with --national, all 83,762 "
            "villages. Idempotent: a second run changes nothing.",
        )
        load.add_argument(
            "--national",
            action="store_true",
            help="Load every province, regency, district and village of Indonesia.",
        )
        load.add_argument(
            "--file",
            dest="path",
            default=None,
            help="With --national: a CSV.gz in the packaged file's format "
            "(default: the packaged wilayah_indonesia_desa.csv.gz).",
        )
        actions.add_parser("stats", help="Print how many regions of each level are loaded.")

    def handle(self, *args, action, **options):
        # Rich writes to the command's own stream, so call_command(stdout=...) captures it.
        self.console = Console(
            file=options.get("stdout") or sys.stdout, highlight=False, soft_wrap=True
        )
        if action == "load":
            self.load(national=options["national"], path=options["path"])
        else:
            self.stats()

    def load(self, *, national: bool, path: str | None) -> None:
        if path and not national:
            raise CommandError(_("--file is only used with --national."))
        with Progress(
            TextColumn("{task.description:<10}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
            disable=not self.console.is_terminal,
        ) as bar:
            tasks: dict[str, TaskID] = {}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(stage, total=total or 1)
                bar.update(tasks[stage], completed=done if total else 1)

            try:
                if national:
                    result = services.regions_load_national(path=path, progress=progress)
                else:
                    result = services.regions_load_tangerang(progress=progress)
            except (RegionFileMissing, RegionFileMalformed) as exc:
                raise CommandError(exc.render()) from None

        table = Table(
            title=_("Regions loaded from %(file)s") % {"file": result.source}, title_justify="left"
        )
        table.add_column(_("level"))
        for heading in (_("created"), _("updated"), _("unchanged")):
            table.add_column(heading, justify="right")
        for name, level in result.levels().items():
            table.add_row(name, f"{level.created:,}", f"{level.updated:,}", f"{level.unchanged:,}")
        self.console.print(table)
        self.console.print(
            _("%(created)s created, %(updated)s updated in %(seconds).1f s")
            % {
                "created": f"{result.created:,}",
                "updated": f"{result.updated:,}",
                "seconds": result.seconds,
            }
        )

    def stats(self) -> None:
        stats = selectors.region_stats()
        table = Table(title=_("Regions in the database"), title_justify="left")
        table.add_column(_("level"))
        table.add_column(_("count"), justify="right")
        table.add_column(_("of which"))
        rows = [
            (_("provinces"), stats.provinces, ""),
            (
                _("regencies"),
                stats.regencies,
                _("%(kabupaten)s kabupaten, %(kota)s kota")
                % {"kabupaten": f"{stats.kabupaten:,}", "kota": f"{stats.kota:,}"},
            ),
            (
                _("districts"),
                stats.districts,
                _("%(outlined)s with an outline")
                % {"outlined": f"{stats.districts_with_outline:,}"},
            ),
            (
                _("villages"),
                stats.villages,
                _("%(desa)s desa, %(kelurahan)s kelurahan, %(centroid)s with a centroid")
                % {
                    "desa": f"{stats.desa:,}",
                    "kelurahan": f"{stats.kelurahan:,}",
                    "centroid": f"{stats.villages_with_centroid:,}",
                },
            ),
        ]
        for label, count, detail in rows:
            table.add_row(label, f"{count:,}", detail)
        self.console.print(table)
