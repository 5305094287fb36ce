from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from .auth import TokenAuth
from .staffing import router as staffing_router
from .territory import router as territory_router

api = NinjaAPI(
    title="Tremplin API",
    version="1",
    description="L'API de Tremplin. Authentification : `Authorization: Bearer <jeton>`, "
    "un jeton personnel créé dans « Mon compte › Jetons d'API ».",
    auth=TokenAuth(),
    urls_namespace="api",
)
api.add_router("/", territory_router)
api.add_router("/", staffing_router)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    return api.create_response(request, {"detail": "Requête invalide.", "errors": exc.errors}, status=422)


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
