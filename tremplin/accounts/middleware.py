from django.shortcuts import redirect
from django.urls import reverse

from .selectors import has_second_factor, second_factor_required

#: Paths a signed-in but not yet verified user may reach.
_OPEN_PREFIXES = ("/static/", "/api/", "/favicon")
_OPEN_URL_NAMES = (
    "accounts:logout",
    "accounts:second_factor_verify",
    "accounts:second_factor_enrol",
)


class RequireSecondFactorMiddleware:
    """Sends a user who must use TOTP (or has enrolled it) through verification before any page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(_OPEN_PREFIXES)
            and request.path not in {reverse(name) for name in _OPEN_URL_NAMES}
        ):
            if has_second_factor(user):
                return redirect(_with_next("accounts:second_factor_verify", request))
            if second_factor_required(user):
                return redirect(_with_next("accounts:second_factor_enrol", request))
        return self.get_response(request)


def _with_next(url_name: str, request) -> str:
    url = reverse(url_name)
    if request.method == "GET" and request.path != "/":
        from django.utils.http import urlencode

        url += "?" + urlencode({"next": request.get_full_path()})
    return url
