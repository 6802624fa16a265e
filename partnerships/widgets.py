"""Form widgets of the public filter forms."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class OnePassSelect(forms.Select):
    """The <select> of every public filter form.

    Django's Select renders one template per option, which made the area <select> (one
    option per local authority) about 40 % of the /representatives/ page's Python time, and
    the other seven selects of its form a third of what was left. This writes the same HTML
    in one pass with format_html: the options, selected state and optgroups of Select.optgroups, the
    attributes of the widget (id, aria-invalid...), every value and label escaped."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        lines = []
        for group_name, options, _ in widget["optgroups"]:
            if group_name:
                lines.append(format_html('  <optgroup label="{}">', group_name))
            lines.extend(
                format_html(
                    '  <option value="{}"{}>{}</option>',
                    option["value"],
                    # Select gives an option no attribute but `selected`.
                    flatatt(option["attrs"]) if option["attrs"] else "",
                    option["label"],
                )
                for option in options
            )
            if group_name:
                lines.append(mark_safe("  </optgroup>"))
        return format_html(
            '<select name="{}"{}>\n{}\n</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("\n".join(lines)),  # each line escaped by format_html above
        )
