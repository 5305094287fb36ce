"""French formatting of table cells and changes: '1 184 h', '2 364', '48 %', '+12 %'."""

from django import template
from django.utils.formats import number_format

from tremplin.staffing.templatetags.hours_format import MINUS, NBSP, minutes, percent

register = template.Library()


def format_cell(kind: str, value) -> str:
    if value is None:
        return "—"
    if kind == "minutes":
        return minutes(value)
    if kind == "share":
        return percent(value)
    if kind == "count":
        return number_format(value, 0, force_grouping=True)
    if kind == "decimal":
        return number_format(round(value, 1), 1, force_grouping=True)
    return str(value)


@register.filter
def cell(pair) -> str:
    """A (kind, value) pair of a reporting table, formatted."""
    kind, value = pair
    return format_cell(kind, value)


@register.filter
def count(value) -> str:
    return format_cell("count", value)


@register.filter
def change(value) -> str:
    """A relative change: '+12 %', '−5 %', '=' for none, '—' without a base."""
    if value is None:
        return "—"
    rounded = round(value * 100)
    if rounded == 0:
        return f"={NBSP}"
    sign = "+" if rounded > 0 else MINUS
    return f"{sign}{number_format(abs(rounded), 0, force_grouping=True)}{NBSP}%"
