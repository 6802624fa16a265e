"""How the site writes a date: "3 March 2025"."""

MONTHS = (
    "January February March April May June July August September October November December"
).split()


def long_date(day):
    """'3 March 2025', as the date filter's "j F Y" writes it in English (the site's only
    language), without its formatter, which costs 50 µs a date: a partnership page and a
    region's report write dozens."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}" if day else ""
