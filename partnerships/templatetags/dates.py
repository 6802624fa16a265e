"""{% load dates %}: {{ day|long_date }} writes "3 March 2025" (partnerships.dates)."""

from django import template

from partnerships.dates import long_date

register = template.Library()
register.filter("long_date", long_date)
