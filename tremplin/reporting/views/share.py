"""Share links: a read-only statistics page for a scope and period, at a secret address, revocable.

The public page follows the house pattern of the queue board: no sign-in, never indexed, never sent
as a referrer, never stored; a wrong or revoked secret is a plain 404."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tremplin.accounts.models import Membership
from tremplin.accounts.selectors import viewer_for_membership
from tremplin.core.roles import Role

from .. import services
from ..forms import ShareLinkForm
from ..models import ShareLink
from ..periods import Period, default_period
from ..scopes import scope_for
from .dashboard import dashboard_context


def _may_share(viewer) -> bool:
    return (viewer.has_role and not viewer.is_(Role.MEDIATOR)) or viewer.is_platform_admin


def _own_links(request):
    return ShareLink.objects.filter(membership_id=request.viewer.membership_id).order_by("-created_at")


@login_required
@require_http_methods(["GET", "POST"])
def share_list(request):
    viewer = request.viewer
    if not _may_share(viewer) or viewer.membership_id is None:
        raise PermissionDenied
    period = default_period(timezone.localdate())
    initial = {"du": period.first, "au": period.last}
    if request.GET.get("kind"):
        initial["scope"] = request.GET["kind"] + (f":{request.GET['id']}" if request.GET.get("id") else "")
        for name in ("du", "au"):
            if request.GET.get(name):
                initial[name] = request.GET[name]
    form = ShareLinkForm(request.POST or None, viewer=viewer, initial=initial)
    if request.method == "POST" and form.is_valid():
        scope = form.cleaned_data["scope"]
        link = services.share_link_create(
            actor=request.user,
            membership=Membership.objects.get(pk=viewer.membership_id),
            label=form.cleaned_data["label"],
            scope_kind=scope.kind,
            scope_id=scope.pk,
            period=form.period(),
        )
        messages.success(request, _("Lien créé : copiez son adresse ci-dessous pour la partager."))
        return redirect(f"{reverse('reporting:share_list')}#lien-{link.pk}")
    links = [
        (link, request.build_absolute_uri(reverse("reporting:share_page", kwargs={"secret": link.secret})))
        for link in _own_links(request)
    ]
    return render(
        request,
        "reporting/share_list.html",
        {"title": _("Liens de partage"), "form": form, "links": links},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def share_revoke(request, pk: int):
    link = get_object_or_404(_own_links(request), pk=pk)
    services.share_link_revoke(actor=request.user, link=link)
    messages.success(request, _("Lien révoqué : son adresse ne montre plus rien."))
    return redirect("reporting:share_list")


def _public(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        response["Cache-Control"] = "no-store"
        return response

    return wrapped


def link_for_secret(secret: str):
    """The live link and the viewer it reads as; None when revoked or its author lost the right."""
    link = (
        ShareLink.objects.filter(secret=secret, revoked_at__isnull=True)
        .select_related("membership__user", "membership__operator")
        .first()
    )
    if link is None:
        return None, None
    membership = link.membership
    if not (membership.is_active and membership.user.is_active and membership.operator.is_active):
        return None, None
    viewer = viewer_for_membership(membership.user, membership)
    scope = scope_for(viewer, link.scope_kind, link.scope_id)
    if scope is None:
        return None, None
    return link, (viewer, scope)


@require_GET
@_public
def share_page(request, secret: str):
    link, found = link_for_secret(secret)
    if link is None:
        raise Http404
    viewer, scope = found
    period = Period(link.first_month, link.last_month)
    context = dashboard_context(viewer, scope, period, public=True)
    context.update({"link": link, "title": link.label, "scope_label": scope.label(viewer)})
    return render(request, "reporting/share_page.html", context)
