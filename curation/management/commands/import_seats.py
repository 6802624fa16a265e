"""python manage.py import_seats FILE [--dry-run] [--user USERNAME]

Imports seats from a UTF-8 CSV or .xlsx file in the format of DESIGN.md ("Open formats"),
exactly as the admin's import does: every row is checked first, and a file with any problem
writes nothing. --dry-run shows what would be created and changed. --user imports as that
curator, exactly as their upload in the admin would (curation.rules decides what they may
change; their name goes in the history); without it the command runs as a site administrator.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from curation.import_views import may_import
from curation.imports import file_import


class Command(BaseCommand):
    help = "Import seats from a CSV (UTF-8) or .xlsx file; --dry-run writes nothing."
    kind = "seats"

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .csv (UTF-8) or .xlsx file with a header row.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )
        parser.add_argument(
            "--user",
            help="Import as this user: only what they may change (people elsewhere are not "
            "matched: a row naming one makes a new person), and their name in the history. "
            "Without it the import runs as a site administrator.",
        )

    def handle(self, *args, file, dry_run, user, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        importer = self.importing_user(user) if user else None
        result = file_import(
            kind=self.kind, data=data, filename=path.name, user=importer, dry_run=dry_run
        )
        if result.problems:
            for problem in result.problems:
                self.stderr.write(str(problem))
            count = len(result.problems)
            raise CommandError(
                f"{count} problem{'s' if count != 1 else ''} in {path.name}; nothing was written."
            )
        for line in result.summary_lines():
            self.stdout.write(line)
        if options["verbosity"] > 1:
            for row in result.rows:
                changes = f": {'; '.join(row.changes)}" if row.changes else ""
                self.stdout.write(f"row {row.number}: {row.status}, {row.label}{changes}")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {path.name}."))

    def importing_user(self, username):
        User = get_user_model()
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
        if not (user.is_active and user.is_staff) or not may_import(user, self.kind):
            raise CommandError(
                f"{username} may not import {self.kind}: an active staff account with the add "
                f"and change permissions on {self.kind} is needed."
            )
        return user
