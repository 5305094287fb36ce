from http import HTTPStatus

from django.http import JsonResponse

API_PREFIX = "/api/"

#: French wording for the errors Django or ninja answer before our handlers run.
_DETAILS = {
    400: "Requête invalide.",
    401: "Jeton d'API absent, invalide ou révoqué.",
    403: "Accès refusé.",
    404: "Ressource introuvable.",
    405: "Méthode non autorisée sur cette adresse.",
    413: "Requête trop volumineuse.",
    415: "Type de contenu non pris en charge.",
}


class ApiJsonErrorsMiddleware:
    """Every API error is JSON with a `detail`, even those raised outside ninja (405, CSRF, 404)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            status = response.status_code
            detail = _DETAILS.get(status) or HTTPStatus(status).phrase
            payload = {"detail": detail}
            if status == 405 and response.has_header("Allow"):
                payload["allowed_methods"] = [m.strip() for m in response["Allow"].split(",")]
            json_response = JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})
            if response.has_header("Allow"):
                json_response["Allow"] = response["Allow"]
            return json_response
        return response
