"""The `kopdes` console command: Django's management commands with the project's settings.

`kopdes migrate`, `kopdes shell`, `kopdes demo`, `kopdes serve`, `kopdes regions load --national`
all go through Django's command machinery, so every command gets the same settings, the same
error handling and `--help`. `kopdes witness` is the exception: the witness runs without the
product's settings and database (kopdes.witness).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["witness"]:
        # The witness is another party's program: no Django settings, no database.
        from kopdes.witness.command import main as witness

        sys.exit(witness(args[1:]))
    if args[:1] == ["close-day"]:
        args = ["close_day", *args[1:]]  # a command's module name cannot have a hyphen
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kopdes.settings.base")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - reads the environment, once, here
    except ImproperlyConfigured as exc:
        # A bad setting is the operator's mistake, not the program's: one line naming it.
        sys.exit(f"kopdes: configuration error: {exc}")
    execute_from_command_line(["kopdes", *args])


if __name__ == "__main__":
    main()
