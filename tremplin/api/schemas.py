"""Schemas shared by the API's routers: strict input, and the JSON body of every 4xx answer."""

from ninja import Field, Schema
from pydantic import ConfigDict


class StrictSchema(Schema):
    """A misspelt field is refused (« Champ inconnu. ») rather than silently dropped."""

    model_config = ConfigDict(extra="forbid")


class ErrorOut(Schema):
    detail: str


class FieldErrorsOut(ErrorOut):
    errors: dict[str, list[str]] = Field(
        default_factory=dict, description="Par champ, les messages à afficher à côté."
    )
