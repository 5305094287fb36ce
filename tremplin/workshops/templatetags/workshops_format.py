"""French wording of a session's time for pages and messages: « mardi 12 mars, 14 h – 15 h 30 »."""

from django import template
from django.utils import formats, timezone

from tremplin.workshops.contacts import display_mobile

register = template.Library()

NBSP = "\u00a0"


@register.filter
def clock(value) -> str:
    """14:00 → « 14 h », 14:30 → « 14 h 30 » (local time)."""
    if not value:
        return ""
    local = timezone.localtime(value) if hasattr(value, "tzinfo") and value.tzinfo else value
    return f"{local.hour}{NBSP}h" + (f"{NBSP}{local.minute:02d}" if local.minute else "")


@register.filter
def day(value) -> str:
    """« mardi 12 mars 2026 » (the year only when it is not this year's)."""
    if not value:
        return ""
    local = timezone.localtime(value) if hasattr(value, "tzinfo") and value.tzinfo else value
    today = timezone.localdate()
    pattern = "l j F" if local.year == today.year else "l j F Y"
    return formats.date_format(local, pattern)


@register.filter
def when(session) -> str:
    """« mardi 12 mars, 14 h – 15 h 30 »."""
    return f"{day(session.starts_at)}, {clock(session.starts_at)} – {clock(session.ends_at)}"


@register.filter
def mobile(value) -> str:
    return display_mobile(value)


@register.filter
def share(value) -> str:
    """0.755 → « 76 % »; None → « — »."""
    if value is None:
        return "—"
    return f"{round(value * 100)}{NBSP}%"
