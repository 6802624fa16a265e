"""The rows of a region's report table, a partnership each, written in Python with
format_html: 50 rows of twelve cells took 5.4 ms of the region page's 12.4 ms of template
rendering in Django's engine. Every value is escaped (lsp_directory.html.format_html), as a
template would escape it.

    {% load report_tables %}
    {% partnership_rows report rows %}
"""

from django import template
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

from lsp_directory.html import format_html

from .numbers import intcomma

register = template.Library()

NUMERIC = '<td class="table__numeric">{}</td>'


def count_link(count, url):
    """The count, linked to the seats it counts where the report gives links."""
    return format_html('<a href="{}">{}</a>', url, intcomma(count)) if url else intcomma(count)


def vacant_cell(row):
    if not row.vacant_seats:
        return format_html(NUMERIC, 0)
    return format_html(
        '<td class="table__numeric"><a href="{}">{}</a> '
        '<a href="{}" class="muted">how to apply</a></td>',
        row.links["vacant_seats"],
        intcomma(row.vacant_seats),
        row.links["get_involved"],
    )


def board_cell(row):
    if not row.partnerships_with_board:
        return mark_safe('<td><span class="muted">No board recorded</span></td>')
    if row.boards_without:
        return mark_safe('<td><span class="tag tag--red">No</span></td>')
    return mark_safe('<td><span class="tag tag--green">Yes</span></td>')


def partnership_row(row, report):
    links = row.links or {}
    cells = [
        format_html(
            '<th scope="row"><a href="{}">{}</a><br><span class="muted">{}</span></th>',
            row.url,
            row.name,
            row.region_names,
        ),
        format_html(NUMERIC, count_link(row.vcs_seats, links.get("vcs_seats"))),
        format_html(NUMERIC, count_link(row.womens_seats, links.get("womens_seats"))),
        format_html(NUMERIC, row.seat_share),
        format_html(NUMERIC, intcomma(row.vcs_organisations)),
        format_html(NUMERIC, intcomma(row.womens_organisations)),
        format_html(NUMERIC, row.organisation_share),
        format_html(NUMERIC, row.gap_display),
        format_html("<td>{}</td>", capfirst(row.freshness.words)),
    ]
    if not report.dated:
        cells.append(vacant_cell(row))
    if report.counts_boards:
        cells.append(board_cell(row))
    if report.counts_groups:
        cells.append(
            format_html(
                '<td class="table__numeric">{} of {}</td>',
                intcomma(row.themed_groups_without),
                intcomma(row.themed_groups),
            )
        )
    return "      <tr>\n        " + "\n        ".join(cells) + "\n      </tr>"


@register.simple_tag
def partnership_rows(report, rows):
    """The table's body rows: a partnership's name and regions, its VCS seats and those
    held by women's organisations (linked to the list of them), the shares and the gap,
    when its seats were verified, and the columns the report's filters call for."""
    return mark_safe("\n".join(partnership_row(row, report) for row in rows))
