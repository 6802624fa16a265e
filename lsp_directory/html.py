"""HTML written in Python, for the fragments a page repeats a hundred times (a partnership
page's people, a list's rows): django.utils.html's format_html and format_html_join without
its lazy-string wrapper, which checks every argument of every escape and cost a partnership
page 2.5 ms. The same rules: a value that is already HTML (has __html__: SafeString, a
form field) goes in as it is, anything else is escaped as Django escapes it."""

from html import escape as _escape

from django.utils.safestring import SafeString


def escape(value):
    """Django's conditional_escape: value's own HTML, or str(value) escaped (& < > " ')."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape(str(value))


def format_html(template, *args):
    """template.format(*args), each argument escaped; the template is trusted HTML."""
    return SafeString(template.format(*map(escape, args)))


def format_html_join(separator, template, rows):
    """format_html(template, *row) for each row, joined by separator (trusted HTML)."""
    return SafeString(separator.join(format_html(template, *row) for row in rows))
