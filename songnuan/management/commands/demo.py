"""Prepare the demo database (migrate, load the Qingdao demo once) and optionally serve it."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from songnuan import demo
from songnuan.accounts.models import User
from songnuan.geo.cities import CityLookupError, find_city
from songnuan.network.city import served_city


def demo_clock(text: str) -> datetime.datetime:
    moment = datetime.datetime.fromisoformat(text)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = ("Migrate, load the demo data into an empty database (Qingdao's, or a smaller "
            "generated winter for --city), print the logins.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--size", choices=sorted(demo.SIZES), default=None,
                            help="default: normal, small for another city")
        parser.add_argument("--city", default=None,
                            help="another city's code or name, e.g. 哈尔滨市: sets the "
                                 "deployment up for it and generates its winter")
        parser.add_argument("--now", type=demo_clock, default=None,
                            help="The demo clock, e.g. 2027-01-15T21:30 (default: now); "
                                 "the same seed and clock give the same data.")
        parser.add_argument("--serve", action="store_true",
                            help="Then run the web server and the background worker.")
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))

    def handle(self, *args, seed: int, size: str | None, now: datetime.datetime | None,
               city: str | None, serve: bool, host: str, port: int, **options) -> None:
        try:
            name = find_city(city).name if city else "青岛市"
        except CityLookupError as error:
            raise CommandError(str(error)) from None
        size = size or ("small" if city and name != "青岛市" else "normal")
        call_command("migrate", interactive=False, verbosity=0)
        if User.objects.exists():
            self.stdout.write("The database already holds data: reusing it, not loading the demo.")
        else:
            self.stdout.write(f"Loading the {name} demo (seed {seed}, size {size})...")
            demo.load(seed=seed, size=size, now=now, city=city)
        self.print_logins()
        if serve:
            self.serve(host, port)

    def print_logins(self) -> None:
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password: {demo.DEMO_PASSWORD})"))
        for user in User.objects.select_related("district", "site").order_by("pk"):
            where = user.site or user.district or served_city().name
            self.stdout.write(f"  {user.username:<22} {user.get_role_display()} · {where}")

    def serve(self, host: str, port: int) -> None:
        self.stdout.write(self.style.SUCCESS(f"\nSongnuan is at http://{host}:{port}/\n"))
        sys.stdout.flush()
        worker = subprocess.Popen([sys.executable, "-m", "songnuan.cli", "worker", "-v", "0"])
        try:
            subprocess.call([sys.executable, "-m", "songnuan.cli", "serve",
                             "--host", host, "--port", str(port)])
        finally:
            worker.terminate()
            worker.wait(timeout=20)
