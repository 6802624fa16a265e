"""A network's status and funding, each tag saying what it is, and when they were checked:
on every list of networks (a partnership page shows about 30), so written in Python rather
than included as a template each time.

    {% load network_status %}
    {% network_status network %}
    {% network_status network no_date=True %}
"""

from django import template

from lsp_directory.html import format_html
from partnerships.dates import long_date

from ..choices import Funding, NetworkStatus

register = template.Library()

# The colour of each tag: green is well, amber is at risk, red is lost or ceased.
STATUS_COLOURS = {NetworkStatus.ACTIVE: "green", NetworkStatus.STRUGGLING: "amber"}
FUNDING_COLOURS = {Funding.FUNDED: "green", Funding.UNKNOWN: "grey", Funding.PARTLY_LOST: "amber"}


@register.simple_tag
def network_status(network, no_date=False):
    """no_date: leave out when they were checked (the network's own page says it apart)."""
    tags = format_html(
        '<span class="tag tag--{}">Status: {}</span>\n<span class="tag tag--{}">Funding: {}</span>',
        STATUS_COLOURS.get(network.status, "red"),
        network.get_status_display().lower(),
        FUNDING_COLOURS.get(network.funding, "red"),
        network.get_funding_display().lower(),
    )
    if network.status_checked_on and not no_date:
        checked = long_date(network.status_checked_on)
        return format_html(
            '{}\n<span class="muted">status and funding checked {}</span>', tags, checked
        )
    return tags
