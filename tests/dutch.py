"""Dates as a Dutch page writes them, spelled out here so tests expect exact words (not what
Django's own formatting would compute)."""

MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]


def long_date(day) -> str:
    """'7 december 2026'."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


WEEKDAYS = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]


def long_day(day) -> str:
    """'maandag 7 december'."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"


SHORT_MONTHS = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def short_date(day) -> str:
    """'7 dec 2026' (and '3 mrt 2027')."""
    return f"{day.day} {SHORT_MONTHS[day.month - 1]} {day.year}"
