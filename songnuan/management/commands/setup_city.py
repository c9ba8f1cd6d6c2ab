"""Make this deployment serve a city: `songnuan setup-city 230100` (or 哈尔滨市, or 哈尔滨)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from songnuan.network.city import CityNotFound, setup_city
from songnuan.refusals import Refused


class Command(BaseCommand):
    help = ("Serve the city with this GB/T 2260 code or name: its districts, county-level cities "
            "and counties with their boundaries, its hotline and rescue station, its map extent. "
            "Safe to run again. Restart the web server and the worker afterwards.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("city", help="a six-digit code (230100) or a name (哈尔滨市, 哈尔滨)")
        parser.add_argument("--hotline", default="", help="the 24-hour rescue hotline")
        parser.add_argument("--station-name", default="", help="default: <city>救助管理站")
        parser.add_argument("--station-contact", default="",
                            help="printed on announcements; default: station name and hotline")
        parser.add_argument("--force", action="store_true",
                            help="move a deployment that holds data to another city (the data "
                                 "and its districts are kept)")

    def handle(self, *args, city: str, hotline: str, station_name: str, station_contact: str,
               force: bool, **options) -> None:
        try:
            result = setup_city(city, hotline=hotline.strip(), station_name=station_name.strip(),
                                station_contact=station_contact.strip(), force=force)
        except CityNotFound as error:
            lines = [str(error.message)]
            if error.candidates:
                lines.append("Candidates:")
                lines.extend(f"  {candidate.label()}" for candidate in error.candidates)
            raise CommandError("\n".join(lines)) from None
        except Refused as error:
            raise CommandError(str(error.message)) from None
        record = result.city
        self.stdout.write(self.style.SUCCESS(
            f"Serving {record.province}{record.name} ({record.code}, {record.name_en})"))
        self.stdout.write(f"  districts: {len(result.added)} added, {len(result.updated)} "
                          f"up to date, {len(result.removed)} removed")
        for line in result.followed:
            self.stdout.write(f"  code change followed: {line}")
        if result.kept:
            self.stdout.write(f"  kept from before, as data refers to them: "
                              f"{', '.join(result.kept)}")
        self.stdout.write(f"  hotline {record.hotline}; station {record.station_contact}")
        self.stdout.write(f"  map extent {record.south:.3f}–{record.north:.3f}°N, "
                          f"{record.west:.3f}–{record.east:.3f}°E; time: Beijing (Asia/Shanghai)")
        self.stdout.write(f"  campaign season {record.season_start_month:02d}-"
                          f"{record.season_start_day:02d} to {record.season_end_month:02d}-"
                          f"{record.season_end_day:02d}, extensions of {record.extension_days} "
                          f"days (edit on the campaign page)")
        for line in result.proposals:
            self.stdout.write(f"  {line}")
