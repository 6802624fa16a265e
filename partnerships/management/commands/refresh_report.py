import time

from django.core.management.base import BaseCommand

from partnerships import summary
from partnerships.dates import long_date


class Command(BaseCommand):
    help = (
        "Make the representation report's stored summary whole again for today. A new day "
        "changes which seats are current, and the first visitor of the day would otherwise "
        "wait for this: run it from cron just after midnight. Safe at any time: it takes the "
        "summary's lock, as every update of it does."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        summary.refresh(rebuild_all=True)
        self.stdout.write(
            f"The report's summary is made for {long_date(summary.up_to_date())} "
            f"({time.monotonic() - started:.1f}s)."
        )
