"""python manage.py import_networks FILE [--dry-run] [--user USERNAME]

Imports Community Empowerment Networks, women's networks and women's forums from a UTF-8 CSV
or .xlsx file (name, kind, area_code, status, funding, checked_on, website, email), as
import_seats does seats.
"""

from .import_seats import Command as ImportSeatsCommand


class Command(ImportSeatsCommand):
    help = "Import networks from a CSV (UTF-8) or .xlsx file; --dry-run writes nothing."
    kind = "networks"
