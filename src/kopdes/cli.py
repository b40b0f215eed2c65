"""The `kopdes` console command: Django's management commands with the project's settings.

`kopdes migrate`, `kopdes shell`, `kopdes demo`, `kopdes serve`, `kopdes regions load --national`
all go through Django's command machinery, so every command gets the same settings, the same
error handling and `--help`.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kopdes.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kopdes", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
