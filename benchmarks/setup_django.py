"""Start Django for a server-time benchmark on a throw-away database of its own."""

from __future__ import annotations

import os
import sys
import tempfile


def start_django(name: str, database_url: str = "") -> str:
    """Point Django at a fresh database (a temp SQLite file unless a URL is given), migrate.

    Returns the temporary folder used for the SQLite file and var/.
    """
    folder = tempfile.mkdtemp(prefix=f"sn-bench-{name}-")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("SONGNUAN_VAR_DIR", folder)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    sys.path.insert(0, os.getcwd())
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    if database_url:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)
    return folder
