"""French formatting of hours and shares for the shift and hours pages: '1 184 h 30', '+2 h', '75 %'."""

from django import template
from django.utils.formats import number_format

from tremplin.staffing.selectors import format_clock, format_minutes

register = template.Library()

MINUS = "\u2212"
NBSP = "\u00a0"


@register.filter
def minutes(value) -> str:
    """Integer minutes as French hours and minutes, thousands grouped: 71070 → '1 184 h 30'."""
    if value is None or value == "":
        return ""
    value = int(value)
    text = format_minutes(value)
    hours = abs(value) // 60
    if hours >= 1000:
        text = text.replace(str(hours), number_format(hours, force_grouping=True), 1)
    return text.replace("-", MINUS, 1).replace(" h", f"{NBSP}h").replace("h ", f"h{NBSP}")


@register.filter
def signed_minutes(value) -> str:
    """A gap: '+1 h 30', '−0 h 45', '0 h'."""
    if value is None or value == "":
        return ""
    text = minutes(value)
    return f"+{text}" if int(value) > 0 else text


@register.filter
def percent(share) -> str:
    """A share between 0 and 1 as a French percentage: 0.755 → '76 %'; None → '—'."""
    if share is None:
        return "—"
    return f"{number_format(round(share * 100), 0)}{NBSP}%"


@register.filter(expects_localtime=True)
def clock(value) -> str:
    """A local clock time in French: 9:00 → '9 h', 9:02 → '9 h 02'."""
    if not value:
        return ""
    moment = value.time() if hasattr(value, "time") else value
    return format_clock(moment).replace(" h", f"{NBSP}h").replace("h ", f"h{NBSP}")


@register.filter
def elapsed(value) -> str:
    """Time since a shift started: '12 min' in the first hour, then '1 h 05'."""
    if value is None or value == "":
        return ""
    value = int(value)
    return f"{value}{NBSP}min" if value < 60 else minutes(value)
