from django.core.management.base import BaseCommand

from curation import uploads


class Command(BaseCommand):
    help = (
        "Delete import files uploaded more than a day ago and never confirmed or cancelled "
        "(they may hold people's names and contact details). They wait in the database, so "
        "one server runs it for all, hourly from a timer; see the README."
    )

    def handle(self, *args, **options):
        count = uploads.purge()
        hours = uploads.KEEP_SECONDS // 3600
        plural = "" if count == 1 else "s"
        self.stdout.write(f"Deleted {count} upload{plural} older than {hours} hours.")
