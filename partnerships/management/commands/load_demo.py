import time

from django.core.management.base import BaseCommand, CommandError

from partnerships.demo import DEFAULT_SEED, DemoError, demo_clear, demo_load


class Command(BaseCommand):
    help = (
        "Load an invented demonstration directory (LSPs, boards, seats, CENs, documents) on "
        "the real areas, marked as demo data. Replaces the previous demo data; never touches "
        "real records. Run load_areas first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"The same seed always makes the same directory (default {DEFAULT_SEED}).",
        )
        parser.add_argument(
            "--clear", action="store_true", help="Only delete the demo data; load nothing."
        )

    def handle(self, *args, seed, clear, **options):
        started = time.monotonic()
        try:
            counts = demo_clear() if clear else demo_load(seed=seed)
        except DemoError as error:
            raise CommandError(str(error)) from error
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        seconds = time.monotonic() - started
        if clear:
            self.stdout.write(f"Deleted the demo data: {summary} ({seconds:.1f}s).")
        else:
            self.stdout.write(f"Loaded the demo data (seed {seed}): {summary} ({seconds:.1f}s).")
