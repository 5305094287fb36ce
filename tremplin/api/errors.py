"""Invalid input, said field by field in French: `{"detail": …, "errors": {"field": ["message", …]}}`.

Pydantic's own messages are English and name its internals; a tablet shows ours next to the field."""

import re

from django.core.exceptions import ValidationError as DjangoValidationError

from .fields import NO_NUL

#: How much of a refused value an error message repeats.
SHOWN_INPUT = 40


class FieldErrors(Exception):
    """Input refused after parsing (unknown reference, a service's rule): a 422 naming the fields."""

    def __init__(self, errors: dict[str, list[str]], detail: str | None = None):
        self.errors = errors
        self.detail = detail or "Requête invalide."
        super().__init__(self.detail)

    @classmethod
    def from_django(cls, error: DjangoValidationError, *, rename: dict[str, str] | None = None):
        """A service's ValidationError; its messages also make the detail, as they are full sentences."""
        rename = rename or {}
        if hasattr(error, "error_dict"):
            errors = {rename.get(name, name): messages for name, messages in error.message_dict.items()}
        else:
            errors = {"__all__": error.messages}
        detail = " ".join(message for messages in errors.values() for message in messages)
        return cls(errors, detail)


def field_name(loc) -> str:
    """`("body", "payload", "people", 0, "gender")` → `people.0.gender`; a list's index is dropped at the
    end (`themes`), so the message sits next to the list's field."""
    parts = [str(part) for part in loc]
    while parts and parts[-1].isdigit():
        parts.pop()
    return ".".join(parts) or "__all__"


def _shown(value) -> str:
    text = str(value)
    return text if len(text) <= SHOWN_INPUT else text[: SHOWN_INPUT - 1] + "…"


def _choices(expected: str) -> str:
    """Pydantic says `'a', 'b' or 'c'`; we list them `a, b, c`."""
    codes = re.findall(r"'([^']*)'", expected)
    return ", ".join(codes) if codes else expected


def french_message(error: dict) -> str:
    """One pydantic error, in French."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "missing":
        return "Ce champ est obligatoire."
    if kind in ("enum", "literal_error"):
        return (
            f"Valeur inconnue : {_shown(value)} ; valeurs possibles : {_choices(str(ctx.get('expected')))}."
        )
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "Un nombre entier est attendu."
    if kind in ("int_parsing_size",):
        return "Nombre trop grand."
    if kind in ("float_parsing", "float_type"):
        return "Un nombre est attendu."
    if kind == "greater_than_equal":
        return f"La valeur doit être supérieure ou égale à {ctx.get('ge')}."
    if kind == "greater_than":
        return f"La valeur doit être supérieure à {ctx.get('gt')}."
    if kind == "less_than_equal":
        return f"La valeur doit être inférieure ou égale à {ctx.get('le')}."
    if kind == "less_than":
        return f"La valeur doit être inférieure à {ctx.get('lt')}."
    if kind in ("bool_parsing", "bool_type"):
        return "Vrai ou faux est attendu (true ou false)."
    if kind in ("string_type", "string_sub_type", "string_unicode"):
        return "Du texte est attendu."
    if kind == "string_too_long":
        return f"Au plus {ctx.get('max_length')} caractères."
    if kind == "string_too_short":
        return f"Au moins {ctx.get('min_length')} caractère(s)."
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == NO_NUL:
            return "Le caractère nul (\\u0000) n'est pas permis."
        return "Format invalide."
    if kind.startswith("uuid"):
        return "Un UUID est attendu (par exemple 0b6f7c3e-8f1a-4c4e-9d53-2f1d5b8e7a10)."
    if kind.startswith("datetime") or kind.startswith("timezone"):
        return "Une date et heure ISO 8601 est attendue (par exemple 2026-03-09T09:30:00+01:00)."
    if kind.startswith("date"):
        return "Une date est attendue (AAAA-MM-JJ)."
    if kind.startswith("time"):
        return "Une heure est attendue (HH:MM)."
    if kind in ("list_type", "tuple_type", "set_type", "iterable_type"):
        return "Une liste est attendue."
    if kind == "too_long":
        return f"Au plus {ctx.get('max_length')} éléments."
    if kind == "too_short":
        return f"Au moins {ctx.get('min_length')} élément(s)."
    if kind in ("dict_type", "model_type", "model_attributes_type", "dataclass_type"):
        return "Un objet JSON est attendu."
    if kind == "extra_forbidden":
        return "Champ inconnu."
    if kind == "value_error":
        return str(ctx.get("error", "Valeur invalide.")).removeprefix("Value error, ")
    if kind == "json_invalid":
        return "JSON illisible."
    return "Valeur invalide."


def french_errors(errors: list[dict], *, body_params: frozenset[str] = frozenset()) -> dict[str, list[str]]:
    """Pydantic's errors → French messages per field. `loc` starts with where the value was (body,
    query, path); a body read as one schema parameter is located under that parameter's name, which
    the client never wrote: both are dropped."""
    fields: dict[str, list[str]] = {}
    for error in errors:
        loc = tuple(error.get("loc") or ())[1:]
        if loc and loc[0] in body_params:
            loc = loc[1:]
        messages = fields.setdefault(field_name(loc), [])
        message = french_message(error)
        if message not in messages:
            messages.append(message)
    return fields
