"""Form widgets of the public filter forms."""

from html import escape  # Django's escape() is this, behind a lazy-string wrapper

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class OnePassSelect(forms.Select):
    """The <select> of every public filter form.

    Django's Select renders one template per option, which made the area <select> (one
    option per local authority) about 40 % of the /representatives/ page's Python time, and
    the other seven selects of its form a third of what was left; its optgroups() still
    builds a dict per option. This writes the same HTML in one pass, by Select.optgroups'
    rules: a value None is "", only the first option whose value is chosen is selected, an
    option has no attribute but `selected`, and the widget's attributes (id,
    aria-invalid...) are its own; every value and label escaped."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        selected = None

        def option(value, label):
            nonlocal selected
            value = "" if value is None else str(value)
            mark = ""
            if selected is None and value in chosen:
                selected, mark = value, " selected"
            return f'  <option value="{escape(value)}"{mark}>{escape(label)}</option>'

        lines = []
        for value, label in self.choices:
            if isinstance(label, (list, tuple)):
                lines.append(f'  <optgroup label="{escape(value)}">')
                lines.extend(option(*choice) for choice in label)
                lines.append("  </optgroup>")
            else:
                lines.append(option(value, label))
        return format_html(
            '<select name="{}"{}>\n{}\n</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            mark_safe("\n".join(lines)),  # each value and label escaped above
        )
