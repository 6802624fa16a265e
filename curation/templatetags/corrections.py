"""The public's way to report a record wrong, on every page that shows one.

{% load corrections %}
{% report_link partnership.report_url partnership.name %}
"""

from django import template

from lsp_directory.html import format_html

register = template.Library()


@register.simple_tag
def report_link(url, about):
    """ "Report something wrong" about one record: an inline link, the caller wraps it.
    url: the record's report_url (a partnership's, a network's or a seat's); about: what the
    record is, read out after the link text so each link says where it goes."""
    return format_html(
        '<a class="report-link" href="{}">Report something wrong'
        '<span class="visually-hidden"> about {}</span></a>',
        url,
        about,
    )
