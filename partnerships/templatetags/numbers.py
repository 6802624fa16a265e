"""{% load numbers %}: {{ count|intcomma }} writes "12,345", as django.contrib.humanize's
intcomma does in the site's one language (en-gb), without its localisation machinery for
a whole number: about 4 us a number, and a region's report writes 300."""

from django import template
from django.contrib.humanize.templatetags import humanize

register = template.Library()


@register.filter(is_safe=True)
def intcomma(value, use_l10n=True):
    if type(value) is int:  # not a bool, which humanize writes as "True"
        return f"{value:,}"
    return humanize.intcomma(value, use_l10n)
