from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from .auth import TokenAuth
from .errors import FieldErrors, french_errors
from .flow import router as flow_router
from .mediation import router as mediation_router
from .reporting import router as reporting_router
from .staffing import router as staffing_router
from .territory import router as territory_router
from .workshops import router as workshops_router


class FrenchValidationError(ValidationError):
    """ninja's ValidationError, with each field's messages already in French."""

    def __init__(self, errors, fields: dict[str, list[str]]):
        super().__init__(errors)
        self.fields = fields


class TremplinAPI(NinjaAPI):
    def validation_error_from_error_contexts(self, error_contexts) -> ValidationError:
        """As ninja's, but the French messages are written while the refused value is still known."""
        fields: dict[str, list[str]] = {}
        for context in error_contexts:
            model = context.model
            source = model.__ninja_param_source__
            errors = context.pydantic_validation_error.errors(include_url=False, include_input=True)
            for error in errors:
                error["loc"] = (source, *model.__ninja_flatten_map_reverse__.get(error["loc"], error["loc"]))
            body_params = frozenset(model.model_fields) if source == "body" else frozenset()
            for name, messages in french_errors(errors, body_params=body_params).items():
                fields.setdefault(name, []).extend(m for m in messages if m not in fields.get(name, []))
        return FrenchValidationError(
            super().validation_error_from_error_contexts(error_contexts).errors, fields
        )


api = TremplinAPI(
    title="Tremplin API",
    version="1",
    description="L'API de Tremplin. Authentification : `Authorization: Bearer <jeton>`, "
    "un jeton personnel créé dans « Mon compte › Jetons d'API ».",
    auth=TokenAuth(),
    urls_namespace="api",
)
api.add_router("/", territory_router)
api.add_router("/", staffing_router)
api.add_router("/", mediation_router)
api.add_router("/", flow_router)
api.add_router("/", workshops_router)
api.add_router("/", reporting_router)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    fields = getattr(exc, "fields", None) or french_errors(exc.errors)
    return api.create_response(request, {"detail": "Requête invalide.", "errors": fields}, status=422)


@api.exception_handler(FieldErrors)
def field_errors(request, exc: FieldErrors):
    return api.create_response(request, {"detail": exc.detail, "errors": exc.errors}, status=422)


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return api.create_response(request, {"detail": "Jeton d'API absent, invalide ou révoqué."}, status=401)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    detail = _NINJA_DETAILS.get(str(exc), str(exc))
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


#: French wording for the messages ninja raises itself.
_NINJA_DETAILS = {"Cannot parse request body": "Corps de la requête illisible : du JSON est attendu."}


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Ressource introuvable."}, status=404)
