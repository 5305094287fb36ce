"""The public agenda: upcoming workshops per post office and per commune, with the seats left; booking
without an account (a first name, a mobile number or an e-mail, and consent); the registrant's own page
behind a signed link, to cancel, to take a freed seat, or to download the calendar file.

Plain pages with no script, light, readable by anyone. They show what the operator published — the
workshop, the place, the time, the number of seats left — and never who registered. The printable
poster (PDF) is the same agenda template, laid out for A4 with a QR code to the agenda."""

from __future__ import annotations

from functools import wraps

import segno
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from tremplin.territory.models import Commune, Site

from .. import selectors, services
from ..calendar_file import registration_calendar
from ..forms import PublicBookingForm, apply_errors
from ..links import registration_pk_from, registration_token
from ..models import Registration, Session
from .access import require_member


def _private(view):
    """A registrant's page: never indexed, never kept in a cache. Its address (with the token) leaves
    the site in no referrer: the site-wide policy is "same-origin" ("no-referrer" would make the browser
    send `Origin: null` with the page's own forms, which the CSRF check refuses)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        add_never_cache_headers(response)
        return response

    return wrapped


def _by_day(sessions) -> list[tuple]:
    days: dict = {}
    for session in sessions:
        session.seats_left = max(session.capacity - session.seated, 0)
        days.setdefault(timezone.localtime(session.starts_at).date(), []).append(session)
    return list(days.items())


@require_safe
def agenda(request):
    return render(request, "workshops/public/agenda_index.html", {"places": selectors.public_places()})


def _agenda_context(request, *, title: str, sessions, agenda_url: str, place) -> dict:
    return {
        "title": title,
        "days": _by_day(sessions),
        "agenda_url": request.build_absolute_uri(agenda_url),
        "place": place,
    }


@require_safe
def agenda_site(request, pk: int):
    site = get_object_or_404(Site.objects.select_related("commune"), pk=pk)
    sessions = list(selectors.public_sessions_at_site(site))
    if not sessions and not Session.objects.filter(site=site).exists():
        raise Http404
    context = _agenda_context(
        request,
        title=_("Ateliers numériques — %(site)s") % {"site": site.name},
        sessions=sessions,
        agenda_url=reverse("workshops:agenda_site", args=[site.pk]),
        place=site,
    )
    return render(request, "workshops/public/agenda.html", context)


@require_safe
def agenda_commune(request, code: str):
    commune = get_object_or_404(Commune, code=code)
    sessions = list(selectors.public_sessions_in_commune(commune))
    context = _agenda_context(
        request,
        title=_("Ateliers numériques à %(commune)s") % {"commune": commune.name},
        sessions=sessions,
        agenda_url=reverse("workshops:agenda_commune", args=[commune.code]),
        place=commune,
    )
    return render(request, "workshops/public/agenda.html", context)


def _too_many_bookings(request) -> bool:
    limit = settings.TREMPLIN_WORKSHOP_PUBLIC_BOOKINGS_PER_HOUR
    return cache.get(_bookings_key(request), 0) >= limit


def _count_booking(request) -> None:
    key = _bookings_key(request)
    if not cache.add(key, 1, timeout=3600):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=3600)


def _bookings_key(request) -> str:
    return f"workshops:public-bookings:{get_client_ip_address(request) or 'unknown'}"


@require_http_methods(["GET", "HEAD", "POST"])
def public_session(request, pk: int):
    """A session and its booking form; booking leads to the registrant's own page."""
    session = selectors.public_session(pk)
    if session is None:
        raise Http404
    session.seats_left = max(session.capacity - session.seated, 0)
    form = PublicBookingForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid() and form.cleaned_data["website"]:
            raise Http404
        if form.is_valid() and _too_many_bookings(request):
            form.add_error(None, _("Trop d'inscriptions depuis cette connexion : réessayez dans une heure."))
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                registration, created = services.registration_create(
                    actor=None,
                    session=session,
                    source=Registration.Source.PUBLIC,
                    first_name=data["first_name"],
                    phone=data["phone"],
                    email=data["email"],
                    consent=data["consent"],
                    client_uuid=data["client_uuid"],
                )
            except ValidationError as error:
                apply_errors(form, error, rename={"contact": "phone"})
            else:
                if created:
                    _count_booking(request)
                return redirect("workshops:public_registration", token=registration_token(registration))
    return render(request, "workshops/public/session.html", {"session": session, "form": form}, status=status)


def _registration_or_404(token: str) -> Registration:
    pk = registration_pk_from(token)
    registration = (
        Registration.objects.select_related(
            "session__workshop", "session__site__commune", "session__venue_commune"
        )
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if registration is None:
        raise Http404
    return registration


@require_http_methods(["GET", "HEAD", "POST"])
@_private
def public_registration(request, token: str):
    """The registrant's page: where they stand, and a button to cancel or to take the seat offered."""
    registration = _registration_or_404(token)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "annuler":
                services.registration_cancel(actor=None, registration=registration)
            elif action == "confirmer":
                services.registration_confirm_offer(actor=None, registration=registration)
            else:
                raise Http404
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            return redirect("workshops:public_registration", token=token)
        registration.refresh_from_db()
    session = registration.session
    position = None
    if registration.status == Registration.Status.WAITLISTED:
        position = Registration.objects.filter(
            session=session,
            status=Registration.Status.WAITLISTED,
            waitlisted_at__lte=registration.waitlisted_at,
        ).count()
    now = timezone.now()
    return render(
        request,
        "workshops/public/registration.html",
        {
            "registration": registration,
            "session": session,
            "token": token,
            "position": position,
            "error": error,
            "can_cancel": registration.is_active
            and now < session.starts_at
            and session.status == Session.Status.SCHEDULED,
            "can_confirm": registration.status == Registration.Status.OFFERED
            and registration.hold_expires_at > now,
        },
        status=422 if error else 200,
    )


@require_safe
@_private
def public_registration_ics(request, token: str):
    registration = _registration_or_404(token)
    response = HttpResponse(registration_calendar(registration), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="atelier.ics"'
    return response


# ---------------------------------------------------------------------------------------------
# The poster
# ---------------------------------------------------------------------------------------------


def _poster(request, *, title: str, sessions, agenda_url: str, place, filename: str) -> HttpResponse:
    from weasyprint import CSS, HTML

    absolute_url = request.build_absolute_uri(agenda_url)
    context = {
        **_agenda_context(request, title=title, sessions=sessions, agenda_url=agenda_url, place=place),
        "poster": True,
        "qr_svg": segno.make(absolute_url, error="m").svg_inline(scale=4, dark="#1b1b1b", light="#ffffff"),
        "printed_on": timezone.localdate(),
    }
    html = render_to_string("workshops/public/agenda.html", context, request=request)
    stylesheets = [
        CSS(filename=finders.find(path)) for path in ("core/tremplin.css", "workshops/workshops.css")
    ]
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(stylesheets=stylesheets)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _poster_sites(request):
    """Staff print the posters of the offices their operator works at, or holds sessions at."""
    require_member(request)
    viewer = request.viewer
    held = selectors.sessions_visible_to(viewer).values("site_id")
    works_at = selectors.sites_for_sessions(viewer).values("pk")
    return Site.objects.filter(Q(pk__in=held) | Q(pk__in=works_at))


@login_required
@require_safe
def poster_site(request, pk: int):
    site = _poster_sites(request).filter(pk=pk).select_related("commune").first()
    if site is None:
        raise Http404
    return _poster(
        request,
        title=_("Ateliers numériques — %(site)s") % {"site": site.name},
        sessions=list(selectors.public_sessions_at_site(site)),
        agenda_url=reverse("workshops:agenda_site", args=[site.pk]),
        place=site,
        filename=f"ateliers-{site.pk}.pdf",
    )


@login_required
@require_safe
def poster_commune(request, code: str):
    require_member(request)
    commune = Commune.objects.filter(code=code).first()
    held_there = selectors.sessions_visible_to(request.viewer).filter(
        Q(venue=Session.Venue.OUTSIDE, venue_commune=commune)
        | Q(venue=Session.Venue.SITE, site__commune=commune)
    )
    if commune is None or not held_there.exists():
        raise Http404
    return _poster(
        request,
        title=_("Ateliers numériques à %(commune)s") % {"commune": commune.name},
        sessions=list(selectors.public_sessions_in_commune(commune)),
        agenda_url=reverse("workshops:agenda_commune", args=[commune.code]),
        place=commune,
        filename=f"ateliers-{commune.code}.pdf",
    )
