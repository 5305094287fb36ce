"""The public queue screen of a site (no sign-in, a secret URL) and the page where admins manage it.

The screen polls a small partial every few seconds; the partial carries an ETag of the queue state, so
an unchanged queue costs a « 304 Not Modified ». Without JavaScript the page refreshes itself."""

from __future__ import annotations

from functools import wraps

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_GET, require_http_methods

from .. import selectors, services, stats

#: Seconds between two polls of the screen, and between two reloads without JavaScript.
POLL_SECONDS = 4
REFRESH_SECONDS = 15


def _is_poll(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _public_screen(view):
    """Headers of a page anyone holding the URL may open: never indexed, never sent as a referrer,
    never stored. The polled partial may be kept to be revalidated (that is what lets the browser send
    If-None-Match), but only by the browser itself."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        response["Cache-Control"] = "private, no-cache" if _is_poll(request) else "no-store"
        patch_vary_headers(response, ["HX-Request"])
        return response

    return wrapped


def _state_etag(request, secret: str) -> str | None:
    """Only the polled partial is conditional; the full page is always drawn afresh."""
    if not _is_poll(request):
        return None
    board = selectors.board_for_secret(secret)
    return stats.board_signature(board) if board is not None else None


@require_GET
@_public_screen
@condition(etag_func=_state_etag)
def board(request, secret: str):
    """A wrong or old secret is a plain 404, as for a page that never existed."""
    screen = selectors.board_for_secret(secret)
    if screen is None:
        raise Http404
    context = {"state": stats.board_state(screen), "poll_seconds": POLL_SECONDS}
    if _is_poll(request):
        return render(request, "flow/_board_state.html", context)
    return render(request, "flow/board.html", {**context, "refresh_seconds": REFRESH_SECONDS})


@login_required
@require_http_methods(["GET", "POST"])
def board_admin(request, site_pk: int):
    """The board's address and QR code; « Changer l'adresse » makes the old one stop working."""
    site, may_manage = stats.board_site_for(request.viewer, site_pk)
    if site is None:
        raise Http404
    if not may_manage:
        raise PermissionDenied
    if request.method == "POST":
        services.board_rotate(actor=request.user, site=site)
        messages.success(
            request,
            _("L'écran a une nouvelle adresse : l'ancienne ne fonctionne plus. Ouvrez celle-ci sur l'écran."),
        )
        return redirect("flow:board_admin", site_pk=site.pk)
    screen = services.board_ensure(site=site)
    url = request.build_absolute_uri(reverse("flow:board", kwargs={"secret": screen.secret}))
    return render(
        request,
        "flow/board_admin.html",
        {
            "title": _("Écran public de %(site)s") % {"site": site.name},
            "site": site,
            "screen": screen,
            "url": url,
            "qr_svg": segno.make(url, error="m").svg_inline(scale=5, dark="#1b1b1b", light="#ffffff"),
        },
    )
