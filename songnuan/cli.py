"""The `songnuan` console script: runs any management command (`songnuan demo`, `serve`,
`setup-city`), a hyphen in its name standing for an underscore."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songnuan.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")  # `songnuan setup-city` runs setup_city
    execute_from_command_line(["songnuan", *args])


if __name__ == "__main__":
    main()
