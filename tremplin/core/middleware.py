from django.utils.functional import SimpleLazyObject

from .tenancy import ANONYMOUS


class ViewerMiddleware:
    """Attaches `request.viewer`: the user seen through their active membership."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.viewer = SimpleLazyObject(lambda: _viewer_for(request))
        return self.get_response(request)


def _viewer_for(request):
    from tremplin.accounts.selectors import viewer_for_session

    if not request.user.is_authenticated:
        return ANONYMOUS
    return viewer_for_session(request.user, request.session)
