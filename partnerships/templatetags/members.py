"""The people on a partnership page (a card for each VCS representative, the members'
table of each board and themed group) and the rows of the representatives list, written in
Python with format_html.

Why not templates: a partnership page at national scale holds about 30 cards and 100
members, and Django's template engine spent 7.6 of the page's 11.8 ms of rendering on them
(one include per card, its contact and each seat's report link, and about 40 variables per
seat). Written here, the same HTML took the page's rendering from 11.8 to 7.2 ms, and the
representatives list's (50 rows) from 10.0 to 5.4 ms. Every value is escaped
(lsp_directory.html.format_html), as a template would escape it.

    {% load members %}
    {% person_card person seats contact_route %}
    {% body_members body fold=True %}
    {% seat_rows page_obj %}
"""

from itertools import groupby

from django import template
from django.template.defaultfilters import pluralize
from django.utils.html import urlize
from django.utils.safestring import mark_safe

from curation.templatetags.corrections import report_link
from lsp_directory.html import format_html, format_html_join

from ..dates import long_date

register = template.Library()


def organisation_link(organisation, *, tag_womens=False):
    """A link to the organisation's page; with tag_womens, tagged when it is a women's
    organisation."""
    link = format_html('<a href="{}">{}</a>', organisation.get_absolute_url(), organisation.name)
    if tag_womens and organisation.is_womens_organisation:
        return format_html('{} <span class="tag tag--purple">Women\'s organisation</span>', link)
    return link


def contact(person, route):
    """A person's contact details where they agreed to publish them (Person.public_email
    and public_phone keep the rule); otherwise whom to ask. person may be None (erased)."""
    email = person.public_email if person else ""
    phone = person.public_phone if person else ""
    if email or phone:
        lines = []
        if email:
            lines.append(format_html('  <li>Email: <a href="mailto:{}">{}</a></li>', email, email))
        if phone:
            lines.append(
                format_html(
                    '  <li>Phone: <a href="tel:{}">{}</a></li>', phone.replace(" ", ""), phone
                )
            )
        return format_html('<ul class="contact-list">\n{}\n</ul>', mark_safe("\n".join(lines)))
    if route:
        return format_html(
            '<p class="muted">Contact details not published. Ask <a href="{}">{}</a> to put you '
            "in touch.</p>",
            route.get_absolute_url(),
            route.name,
        )
    return mark_safe(
        '<p class="muted">Contact details not published. Ask the partnership office to put you '
        "in touch.</p>"
    )


def seat_line(seat):
    """One seat on a person's card: body, role, organisation, how and when, and a link to
    report it wrong."""
    organisation = (
        organisation_link(seat.organisation, tag_womens=True)
        if seat.organisation
        else "an organisation not recorded"
    )
    return format_html(
        "    <li><strong>{}</strong>{}, for {}.\n"
        '      <span class="seat-list__meta">{}\n      {}</span></li>',
        seat.body.name,
        f", {seat.role}" if seat.role else "",
        organisation,
        seat.how_and_when,
        report_link(seat.report_url, f"{seat.holder_name} on {seat.body.name}"),
    )


@register.simple_tag
def person_card(person, seats, route):
    """One VCS representative and every seat they hold on this partnership. person may be
    None (erased); contact details only where the person agreed to publish them."""
    return format_html(
        '<article class="card person-card"{}>\n'
        '  <h3 class="heading-s">{}</h3>\n'
        '  <ul class="seat-list">\n{}\n  </ul>\n'
        "  {}\n"
        "</article>",
        format_html(' id="person-{}"', person.pk) if person else "",
        seats[0].holder_name,
        mark_safe("\n".join(seat_line(seat) for seat in seats)),
        contact(person, route),
    )


def vcs_names(vcs_seats):
    """The body's VCS representatives, each linked to their card above."""

    def name(seat):
        if seat.person_id:
            return format_html('<a href="#person-{}">{}</a>', seat.person_id, seat.holder_name)
        return seat.holder_name

    names = format_html_join(
        ", ", "{}{}", ((name(seat), f" ({seat.role})" if seat.role else "") for seat in vcs_seats)
    )
    return format_html("<p>VCS representative{}: {}.</p>\n", pluralize(len(vcs_seats)), names)


def by_sector(seats):
    """'local authority 3, health 2', the sectors in the order of their codes."""
    ordered = sorted(seats, key=lambda seat: seat.sector)
    groups = groupby(ordered, key=lambda seat: seat.get_sector_display())
    return ", ".join(f"{label.lower()} {len(list(group))}" for label, group in groups)


def members_table(seats, caption):
    rows = format_html_join(
        "\n",
        "    <tr>\n"
        '      <td data-label="Name">{}</td>\n'
        '      <td data-label="Sector">{}</td>\n'
        '      <td data-label="Organisation">{}</td>\n'
        '      <td data-label="Role">{}</td>\n'
        "    </tr>",
        (
            (
                seat.holder_name,
                seat.get_sector_display(),
                organisation_link(seat.organisation) if seat.organisation else "Not recorded",
                seat.role or "Member",
            )
            for seat in seats
        ),
    )
    return format_html(
        '<table class="table table--stacked body-table">\n'
        '  <caption class="visually-hidden">{}</caption>\n'
        '  <thead><tr><th scope="col">Name</th><th scope="col">Sector</th>'
        '<th scope="col">Organisation</th><th scope="col">Role</th></tr></thead>\n'
        "  <tbody>\n{}\n  </tbody>\n"
        "</table>",
        caption,
        rows,
    )


@register.simple_tag
def body_members(body, fold=False):
    """The current members of one board or themed group, as partnership_detail split them
    (body.vcs_seats, body.other_seats). VCS representatives link to their card rather than
    being repeated; the table stacks into labelled rows on a phone (.table--stacked).

    fold: the other members' table folds into a <details> whose summary counts them by
    sector (the board: on a phone its table of 9 rows took 830 px, pushing the networks and
    strategies down; a themed group is folded already)."""
    vcs, others = body.vcs_seats, body.other_seats
    if not others:
        return vcs_names(vcs) if vcs else mark_safe("<p>No current members are recorded.</p>")
    caption = f"{'Other members' if vcs else 'Members'} of {body.name}"
    table = members_table(others, caption)
    if fold:
        table = format_html(
            "<p>{}{} member{}, by sector: {}.</p>\n"
            '<details class="details">\n'
            "  <summary><span>Their names and organisations</span></summary>\n"
            '  <div class="details__text">\n{}</div>\n'
            "</details>",
            len(others),
            " other" if vcs else "",
            pluralize(len(others)),
            by_sector(others),
            table,
        )
    return format_html("{}{}", vcs_names(vcs) if vcs else "", table)


def term_cell(seat):
    if not seat.vacant:
        return seat.term or "Not recorded"
    if seat.selection_closes:
        return f"Open: apply by {long_date(seat.selection_closes)}"
    return "Open: no closing date"


def contact_cell(seat):
    """How to apply for an open seat; the holder's email, or else phone, where they agreed
    to publish them (Person.public_email and public_phone keep the rule)."""
    if seat.vacant:
        # As the template filter urlize: escaped, links marked nofollow.
        how = seat.how_to_apply or "Ask the partnership"
        return mark_safe(urlize(how, nofollow=True, autoescape=True))
    person = seat.person
    if person and person.public_email:
        return format_html('<a href="mailto:{}">{}</a>', person.public_email, person.public_email)
    if person and person.public_phone:
        return person.public_phone
    return mark_safe('<span class="muted">Not published</span>')


@register.simple_tag
def seat_rows(seats):
    """The representatives list's rows, a seat each (Seat.objects.for_public fetches what
    they show)."""
    return format_html_join(
        "\n",
        "        <tr>\n"
        '          <td data-label="Name">{}{}<br>{}</td>\n'
        '          <td data-label="Represents">{}</td>\n'
        '          <td data-label="Sits on">{}<br><a href="{}">{}</a></td>\n'
        '          <td data-label="Sector">{}</td>\n'
        '          <td data-label="Term">{}</td>\n'
        '          <td data-label="Contact">{}</td>\n'
        "        </tr>",
        (
            (
                seat.holder_name,
                format_html('<br><span class="muted">{}</span>', seat.role) if seat.role else "",
                report_link(seat.report_url, seat.holder_name),
                organisation_link(seat.organisation, tag_womens=True) if seat.organisation else "",
                seat.body.name,
                seat.body.partnership.get_absolute_url(),
                seat.body.partnership.name,
                seat.get_sector_display(),
                term_cell(seat),
                contact_cell(seat),
            )
            for seat in seats
        ),
    )
