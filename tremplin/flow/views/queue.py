"""The mediator's queue screen (tablet): add an arrival in one tap, call, serve, route or close a visit.

Every action is a plain form posted then redirected, so the screen works without JavaScript; with it,
the list refreshes itself every few seconds (htmx polling of `_queue_list.html`)."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tremplin.accounts.models import Operator
from tremplin.core.roles import Role
from tremplin.mediation import selectors as mediation_selectors

from .. import selectors, services
from ..forms import RouteForm, SiteReasonForm, VisitAddForm
from ..models import Reason, Route, State

#: What the quick-record screen is pre-filled with for a visit's reason: (kind, domain, themes).
REASON_RECORD = {
    Reason.PARCEL_PICKUP: ("information_orientation", "mail_parcel", ()),
    Reason.SENDING: ("machines_and_tools", "mail_parcel", ()),
    Reason.POSTAL_FORMS: ("postal_forms", "mail_parcel", ()),
    Reason.BANKING: ("individual_accompaniment", "banking", ()),
    Reason.MOBILE: ("individual_accompaniment", "mobile", ()),
    Reason.DIGITAL_IDENTITY: ("individual_accompaniment", "digital_offers", ()),
    Reason.ADMINISTRATIVE_PROCEDURE: (
        "individual_accompaniment",
        "state_procedures",
        ("aide_aux_demarches_administratives",),
    ),
    Reason.INFORMATION: ("information_orientation", "", ()),
    Reason.OTHER: ("", "", ()),
}

#: The buttons a visit offers in each state (the orientation form is always there).
STATE_ACTIONS = {
    State.WAITING: ("appeler", "servir", "pause", "parti", "tension"),
    State.CALLED: ("servir", "reprendre", "pause", "parti", "tension"),
    State.SERVING: ("pause", "tension"),
    State.ON_HOLD: ("reprendre", "appeler", "servir", "parti", "tension"),
}
ACTION_LABELS = {
    "appeler": gettext_lazy("Appeler"),
    "servir": gettext_lazy("Servir"),
    "pause": gettext_lazy("Mettre en pause"),
    "reprendre": gettext_lazy("Remettre en attente"),
    "parti": gettext_lazy("Parti sans être servi"),
    "tension": gettext_lazy("Signaler une tension"),
    "orienter": gettext_lazy("Orienter"),
}


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _staff_only(request) -> None:
    if not request.viewer.is_(*selectors.STAFF_ROLES):
        raise PermissionDenied


def _site_or_404(request, site_pk: int):
    _staff_only(request)
    site = selectors.queue_sites_for(request.viewer).filter(pk=site_pk).first()
    if site is None:
        raise Http404
    return site


def _visit_or_404(request, pk: int):
    _staff_only(request)
    visit = (
        selectors.visits_visible_to(request.viewer)
        .filter(pk=pk, site__in=selectors.queue_sites_for(request.viewer).values("pk"))
        .select_related("site", "operator")
        .prefetch_related("reasons")
        .first()
    )
    if visit is None:
        raise Http404
    return visit


def _back(visit_or_site) -> str:
    site_pk = getattr(visit_or_site, "site_id", None) or visit_or_site.pk
    return reverse("flow:queue", args=[site_pk])


def _can_edit_reasons(viewer) -> bool:
    return viewer.is_(Role.COORDINATOR, Role.ADMIN)


def record_url(visit) -> str:
    """The quick-record screen, pre-filled from the visit's reasons; a tension makes it a
    conflict-prevention interaction."""
    kinds, domains, themes = [], [], []
    for item in visit.reasons.all():
        kind, domain, codes = REASON_RECORD.get(item.reason, ("", "", ()))
        kinds.append(kind)
        domains.append(domain)
        themes.extend(codes)
    kind = "conflict_prevention" if visit.tension else next((k for k in kinds if k), "")
    params = {"visite": visit.pk}
    if kind:
        params["kind"] = kind
    domain = next((d for d in domains if d), "")
    if domain:
        params["domain"] = domain
    if themes:
        params["themes"] = ",".join(dict.fromkeys(themes))
    return f"{reverse('mediation:record')}?{urlencode(params)}"


def _after_close(request, visit, back: str) -> str:
    """Where a closed visit leads: a tension not yet recorded opens the record screen as a conflict
    prevention (for a mediator, who records); a person sent to a workshop, the site's programme to
    register them; otherwise back to the queue."""
    if visit.tension and visit.interaction_id is None and request.viewer.is_(Role.MEDIATOR):
        messages.info(request, _("Une tension a été signalée : enregistrez sa prévention."))
        return record_url(visit)
    if visit.route == Route.WORKSHOP:
        messages.info(request, _("Choisissez une séance de ce site pour y inscrire la personne."))
        return f"{reverse('workshops:programme')}?{urlencode({'site': visit.site_id})}"
    return back


def _rows(visits, now) -> list[dict]:
    rows = []
    for visit in visits:
        actions = [a for a in STATE_ACTIONS.get(visit.state, ()) if not (a == "tension" and visit.tension)]
        rows.append(
            {
                "visit": visit,
                "ticket": f"{visit.ticket:03d}",
                "reasons": [item.get_reason_display() for item in visit.reasons.all()],
                "waited": selectors.waited_minutes(visit, now=now),
                "is_waiting": visit.state == State.WAITING,
                "actions": [(action, ACTION_LABELS[action]) for action in actions],
                "record_url": record_url(visit) if visit.state == State.SERVING else "",
            }
        )
    return rows


def _queue_context(request, site) -> dict:
    now = timezone.now()
    rows = _rows(selectors.queue_of(request.viewer, site), now)
    return {
        "site": site,
        "rows": rows,
        "waiting_count": sum(1 for row in rows if row["is_waiting"]),
        "waits": [wait for wait in selectors.estimated_waits(site, now=now) if wait.waiting],
        "route_choices": RouteForm.base_fields["route"].choices,
        "now": now,
    }


def _render_queue(request, site, *, add_form=None, status=200):
    catalogue = selectors.catalogue_of(site)
    if add_form is None:
        add_form = VisitAddForm(catalogue=catalogue, initial={"client_uuid": uuid.uuid4(), "group_size": 1})
    context = _queue_context(request, site) | {
        "catalogue": catalogue,
        "tap_uuid": uuid.uuid4(),
        "add_form": add_form,
        "can_edit_reasons": _can_edit_reasons(request.viewer),
    }
    return render(request, "flow/queue.html", context, status=status)


def _error(request, error: services.FlowError) -> None:
    for message in error.messages:
        messages.error(request, message)


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def queue_home(request):
    """A mediator goes straight to the queue of the site where they work now; others choose."""
    _staff_only(request)
    viewer = request.viewer
    sites = list(selectors.queue_sites_for(viewer))
    profile = None
    if viewer.is_(Role.MEDIATOR):
        profile = mediation_selectors.mediator_profile_for(viewer)
        if profile is not None:
            site = mediation_selectors.recording_context(profile).site
            if site is not None and site in sites:
                return redirect("flow:queue", site_pk=site.pk)
    return render(
        request,
        "flow/queue_home.html",
        {
            "sites": sites,
            "is_mediator": viewer.is_(Role.MEDIATOR),
            "profile": profile,
            "manages": _can_edit_reasons(viewer),
        },
    )


@login_required
@require_GET
@never_cache
def queue(request, site_pk: int):
    site = _site_or_404(request, site_pk)
    if request.headers.get("HX-Request"):
        response = render(request, "flow/_queue_list.html", _queue_context(request, site))
    else:
        response = _render_queue(request, site)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_POST
def visit_add(request, site_pk: int):
    """One tap on a reason (or the fuller form): the person joins the queue. The page's UUID makes a
    second tap of the same page harmless."""
    site = _site_or_404(request, site_pk)
    form = VisitAddForm(request.POST, catalogue=selectors.catalogue_of(site))
    if form.is_valid():
        data = form.cleaned_data
        try:
            visit, created = services.visit_create(
                actor=request.user,
                operator=Operator.objects.get(pk=request.viewer.operator_id),
                site=site,
                reasons=data["reasons"],
                first_name=data["first_name"],
                group_size=data["group_size"],
                client_uuid=data["client_uuid"],
            )
        except services.FlowError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            if created:
                messages.success(
                    request,
                    _("Ticket %(ticket)s ajouté à la file : %(reasons)s.")
                    % {
                        "ticket": f"{visit.ticket:03d}",
                        "reasons": ", ".join(str(r.get_reason_display()) for r in visit.reasons.all()),
                    },
                )
            elif visit.operator_id == request.viewer.operator_id and visit.site_id == site.pk:
                messages.info(
                    request,
                    _("Cette arrivée était déjà enregistrée (ticket %(ticket)s) : rien n'a été ajouté.")
                    % {"ticket": f"{visit.ticket:03d}"},
                )
            else:
                messages.info(request, _("Cette arrivée était déjà enregistrée : rien n'a été ajouté."))
            return redirect(_back(site))
    if "client_uuid" in form.errors:
        form.data = form.data.copy()
        form.data["client_uuid"] = str(uuid.uuid4())
    return _render_queue(request, site, add_form=form, status=200)


@login_required
@require_POST
def call_next(request, site_pk: int):
    site = _site_or_404(request, site_pk)
    visit = services.visit_call_next(actor=request.user, site=site, operator=request.viewer.operator_id)
    if visit is None:
        messages.info(request, _("Personne n'attend : il n'y a personne à appeler."))
    else:
        messages.success(request, _("Ticket %(ticket)s appelé.") % {"ticket": visit.label})
    return redirect(_back(site))


@login_required
@require_POST
def visit_action(request, pk: int, action: str):
    """Call, serve, pause, put back, route, « left without service », tension. A move the visit's
    state does not allow is refused with a message saying why, never an error page."""
    if action not in ACTION_LABELS:
        raise Http404
    visit = _visit_or_404(request, pk)
    actor = request.user
    back = _back(visit)
    try:
        if action == "appeler":
            visit = services.visit_call(actor=actor, visit=visit)
            messages.success(request, _("Ticket %(ticket)s appelé.") % {"ticket": visit.label})
        elif action == "servir":
            visit = services.visit_serve(actor=actor, visit=visit)
            return redirect(record_url(visit))
        elif action == "pause":
            visit = services.visit_hold(actor=actor, visit=visit)
            messages.success(request, _("Ticket %(ticket)s mis en pause.") % {"ticket": visit.label})
        elif action == "reprendre":
            visit = services.visit_requeue(actor=actor, visit=visit)
            messages.success(request, _("Ticket %(ticket)s remis en attente.") % {"ticket": visit.label})
        elif action == "orienter":
            form = RouteForm(request.POST)
            if not form.is_valid():
                messages.error(request, form.errors["route"][0])
                return redirect(back)
            visit = services.visit_close(actor=actor, visit=visit, route=form.cleaned_data["route"])
            messages.success(
                request,
                _("Ticket %(ticket)s orienté : %(route)s.")
                % {"ticket": visit.label, "route": Route(visit.route).label},
            )
            return redirect(_after_close(request, visit, back))
        elif action == "parti":
            visit = services.visit_close(actor=actor, visit=visit, route=Route.LEFT)
            messages.success(
                request, _("Ticket %(ticket)s : parti sans être servi.") % {"ticket": visit.label}
            )
            return redirect(_after_close(request, visit, back))
        elif action == "tension":
            if visit.state == State.DONE:
                messages.error(
                    request,
                    _("Impossible : la visite %(ticket)s est terminée.") % {"ticket": visit.label},
                )
                return redirect(back)
            visit = services.visit_note_tension(actor=actor, visit=visit)
            if visit.state == State.SERVING:
                return redirect(record_url(visit))
            messages.warning(
                request,
                _(
                    "Tension notée pour le ticket %(ticket)s : quand vous le servirez ou l'orienterez, "
                    "vous enregistrerez une prévention de conflit."
                )
                % {"ticket": visit.label},
            )
    except services.FlowError as error:
        _error(request, error)
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def reasons_edit(request, site_pk: int):
    """The coordinator orders the site's reasons by frequency, sets their default route and which
    ones the screen offers."""
    site = _site_or_404(request, site_pk)
    if not _can_edit_reasons(request.viewer):
        raise PermissionDenied
    reasons = services.site_reasons_ensure(site=site)
    if request.method == "POST" and "by_frequency" in request.POST:
        services.site_reasons_order_by_frequency(actor=request.user, site=site)
        messages.success(
            request,
            _("Les motifs sont rangés du plus fréquent au moins fréquent (%(days)s derniers jours).")
            % {"days": services.FREQUENCY_WINDOW_DAYS},
        )
        return redirect("flow:reasons_edit", site_pk=site.pk)
    data = request.POST if request.method == "POST" else None
    forms = [SiteReasonForm(data, site_reason=item) for item in reasons]
    if data is not None and all(form.is_valid() for form in forms):
        failed = False
        for form in forms:
            if not form.has_changed():
                continue
            try:
                services.site_reason_update(
                    actor=request.user, site_reason=form.site_reason, **form.cleaned_data
                )
            except services.FlowError as error:
                form.add_error("default_route", error)
                failed = True
        if not failed:
            messages.success(request, _("Les motifs de %(site)s sont enregistrés.") % {"site": site.name})
            return redirect("flow:reasons_edit", site_pk=site.pk)
    return render(
        request,
        "flow/reasons_edit.html",
        {
            "site": site,
            "forms": forms,
            "has_errors": any(form.errors for form in forms),
            "frequency_days": services.FREQUENCY_WINDOW_DAYS,
        },
    )
