from ninja.security import HttpBearer

from tremplin.accounts.selectors import api_token_lookup, viewer_for_membership
from tremplin.accounts.services import api_token_touch


class TokenAuth(HttpBearer):
    """`Authorization: Bearer trm_…`: a personal token, acting through the membership it is bound to."""

    def authenticate(self, request, token):
        api_token = api_token_lookup(token)
        if api_token is None:
            return None
        membership = api_token.membership
        request.user = membership.user
        request.viewer = viewer_for_membership(membership.user, membership)
        api_token_touch(token=api_token)
        return api_token
