import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from partnerships import exports
from partnerships.filters import SeatFilter

FORMATS = ["csv", "xlsx", "json"]

# Each option and the SeatFilter field (the /representatives/ query parameter) it sets.
FILTER_OPTIONS = {
    "--region": ("region", "A region's slug, e.g. north-east."),
    "--area": ("area", "An area's GSS code, e.g. E06000001."),
    "--partnership": ("partnership", "A partnership's slug."),
    "--sector": ("sector", None),
    "--body-kind": ("body_kind", None),
    "--theme": ("theme", None),
    "--organisation-kind": ("organisation_kind", None),
    "--womens": ("womens", None),
    "--status": ("status", None),
    "--term": ("term", None),
    "--order": ("order", None),
}


def choices_help(field):
    choices = [value for value, _ in SeatFilter.base_filters[field].extra.get("choices", [])]
    return "One of " + ", ".join(choices) + "."


class Command(BaseCommand):
    help = (
        "Export representatives (seats) exactly as /representatives/export.csv, .xlsx or "
        ".json would for the same filters: the same rows, order and columns, contact "
        "details only where published. Current seats unless --status or --term says "
        "otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", metavar="FILE", help='Where to write; "-" for standard output (CSV, JSON).'
        )
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="csv, xlsx or json (default: from FILE's extension, else csv).",
        )
        parser.add_argument(
            "--bom", action="store_true", help="Start a CSV with a byte-order mark, for Excel."
        )
        for option, (field, described) in FILTER_OPTIONS.items():
            parser.add_argument(option, dest=field, help=described or choices_help(field))

    def handle(self, *args, file, bom, **options):
        kind = options["format"] or self.format_for(file)
        if file == "-" and kind == "xlsx":
            raise CommandError("An Excel file is binary: give a file name, not -.")
        filterset = self.filtered_seats(options)
        if file == "-":
            try:
                for chunk in self.chunks(kind, filterset, bom):
                    self.stdout.write(chunk, ending="")
                self.stdout.flush()
            except BrokenPipeError:
                # The reader stopped early (e.g. `| head`): not an error. Point stdout at
                # /dev/null so that Python's final flush does not complain either.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return
        self.write_file(Path(file), kind, filterset, bom)
        if options["verbosity"]:
            self.stdout.write(f"Wrote {file} ({kind}, {Path(file).stat().st_size:,} bytes).")

    @staticmethod
    def format_for(file):
        extension = Path(file).suffix.lstrip(".").lower()
        return extension if extension in FORMATS else "csv"

    def filtered_seats(self, options):
        """SeatFilter on a query built from the options, as the web list builds it; a bad
        value is an error here, where the web list would leave it out and say so."""
        data = QueryDict(mutable=True)
        option_for = {}
        for option, (field, _) in FILTER_OPTIONS.items():
            if options.get(field) is not None:
                data[field] = options[field]
                option_for[field] = option
        filterset = exports.seat_filterset(data)
        if not filterset.form.is_valid():
            problems = [
                f"{option_for.get(field, field)} {data.get(field)!r}: {' '.join(errors)}"
                for field, errors in filterset.form.errors.items()
            ]
            raise CommandError("; ".join(problems))
        return filterset

    @staticmethod
    def chunks(kind, filterset, bom):
        """The JSON names its filters and description, as the web download's does."""
        if kind == "json":
            return exports.json_chunks(filterset.qs, filterset)
        return exports.csv_chunks(filterset.qs, bom=bom)

    def write_file(self, path, kind, filterset, bom):
        """Write beside FILE, then rename: a failed export never leaves half a file."""
        directory = path.resolve().parent
        if not directory.is_dir():
            raise CommandError(f"No such directory: {directory}")
        handle, partial = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".part")
        try:
            if kind == "xlsx":
                with os.fdopen(handle, "wb") as out:
                    exports.write_xlsx(filterset.qs, out, title=filterset.description)
            else:
                with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                    for chunk in self.chunks(kind, filterset, bom):
                        out.write(chunk)
            os.chmod(partial, 0o666 & ~current_umask())
            os.replace(partial, path)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask
