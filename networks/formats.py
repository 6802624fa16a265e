"""The network file format (DESIGN.md, "Open formats"), declared once, from the same parts as
the seat format (partnerships/formats.py). Only the import reads it today; `field` names the
network field that each column sets."""

from partnerships.formats import Column, Format, choice, date, email, gss_code, length, text, url

from .choices import Funding, NetworkKind, NetworkStatus
from .models import Network

NETWORKS = Format(
    "networks",
    (
        Column("name", parse=text(length(Network, "name"), required=True)),
        Column("kind", parse=choice(NetworkKind, required=True), field="kind"),
        Column("area_code", parse=gss_code),
        Column("status", parse=choice(NetworkStatus, required=True), field="status"),
        Column("funding", parse=choice(Funding, required=True), field="funding"),
        Column("checked_on", parse=date, field="status_checked_on"),
        Column("website", parse=url, field="website"),
        Column("email", parse=email, field="email"),
    ),
)
