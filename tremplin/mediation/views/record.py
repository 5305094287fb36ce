"""The mediator's quick-record screen, and the edit, duplicate, delete and undo of a record.

A typical record is three taps: a kind, a theme, « Enregistrer ». The page is drawn with a client UUID
and its own start time, so a double submit records once and the duration is known without JavaScript.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tremplin.staffing.selectors import format_clock, format_minutes

from .. import selectors, services
from ..forms import InteractionForm, elapsed_seconds
from ..vocabularies import ACTION_KIND_SHORT, ActionKind, Domain, Theme

#: The record just saved, shown once on the next drawing of the screen with its « Annuler » button.
LAST_RECORD = "mediation.last_record"
#: Records this session just took back: a second tap on « Annuler » or « Supprimer » is not an error.
REMOVED = "mediation.removed"


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _clock(moment) -> str:
    return format_clock(timezone.localtime(moment).time())


def _duration(minutes: int) -> str:
    return f"{minutes} min" if minutes < 60 else format_minutes(minutes)


def summary(interaction) -> str:
    """What was recorded, in one line: « Imprimés postaux · E-mail · 10 min à Lens, à 10 h 05 »."""
    parts = [str(ACTION_KIND_SHORT[interaction.kind])]
    themes = [str(Theme(code).label) for code in interaction.theme_codes]
    if themes:
        parts.append(", ".join(themes))
    return _("%(what)s · %(duration)s à %(site)s, à %(time)s") % {
        "what": " · ".join(parts),
        "duration": _duration(interaction.duration_minutes),
        "site": interaction.site.name,
        "time": _clock(interaction.started_at),
    }


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _editable(request, pk: int):
    return (
        selectors.interactions_editable_by(request.viewer)
        .select_related("site", "shift", "mediator__user")
        .prefetch_related("themes")
        .filter(pk=pk)
        .first()
    )


def _remember_removed(request, pk: int) -> None:
    request.session[REMOVED] = [*request.session.get(REMOVED, [])[-9:], pk]


def _already_removed(request, pk: int) -> bool:
    return pk in request.session.get(REMOVED, [])


def _record_form(
    request, profile, context, data=None, *, initial=None, now=None, extra_themes=()
) -> InteractionForm:
    return InteractionForm(
        data,
        initial=initial,
        sites=selectors.recording_sites_for(profile),
        beneficiaries=selectors.beneficiaries_visible_to(request.viewer),
        timer=True,
        default_site=context.site,
        quick_themes=list(dict.fromkeys([*extra_themes, *selectors.top_themes_at(context.site)])),
        now=now,
    )


def _visit_to_record(request, pk):
    """The queue's visit this record is for (`?visite=` from the queue screen), or None."""
    from tremplin.flow import selectors as flow_selectors

    return flow_selectors.visit_to_record(request.viewer, pk)


def _visit_prefill(request) -> tuple[dict, list[str]]:
    """Initial values from the queue's « Servir »: `kind`, `domain`, `themes` (comma list), `visite`."""
    initial, themes = {}, []
    if request.GET.get("kind") in ActionKind.values:
        initial["kind"] = request.GET["kind"]
    if request.GET.get("domain") in Domain.values:
        initial["domain"] = request.GET["domain"]
    themes = [code for code in request.GET.get("themes", "").split(",") if code in Theme.values]
    if themes:
        initial["themes"] = themes
    visit = _visit_to_record(request, request.GET.get("visite"))
    if visit is not None:
        initial["visit"] = visit.pk
    return initial, themes


def _link_visit(request, visit, interaction) -> bool:
    """Gives the queue's visit its recorded interaction (a visit being served then ends); says so."""
    from tremplin.flow import services as flow_services

    was_served = visit.state == "serving"
    try:
        flow_services.visit_recorded(actor=request.user, visit=visit, interaction=interaction)
    except flow_services.FlowError as error:
        messages.warning(request, " ".join(error.messages))
        return False
    message = (
        _("Interaction enregistrée, visite %(ticket)s terminée : %(what)s.")
        if was_served
        else _("Prévention de conflit enregistrée pour la visite %(ticket)s : %(what)s.")
    )
    messages.success(request, message % {"ticket": f"{visit.ticket:03d}", "what": summary(interaction)})
    return True


def _fresh_initial(now) -> dict:
    """A new page: a new UUID (one record however often it is sent) and the timer's start."""
    return {
        "client_uuid": uuid.uuid4(),
        "started_at": timezone.localtime(now.replace(microsecond=0)).isoformat(),
    }


def _refresh(form, values: dict) -> None:
    """Draws the form again with new hidden values (a UUID already taken, a lost start)."""
    form.data = form.data.copy()
    for name, value in values.items():
        form.data[name] = str(value)


def _recent_rows(profile, shift) -> list[dict]:
    return [
        {
            "interaction": interaction,
            "kind": ACTION_KIND_SHORT[interaction.kind],
            "themes": [Theme(code).label for code in interaction.theme_codes],
            "duration": _duration(interaction.duration_minutes),
        }
        for interaction in selectors.recent_records(profile, shift=shift)
    ]


# ---------------------------------------------------------------------------------------------
# The quick-record screen
# ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def record(request):
    """Never cached: a page brought back by the Back button would carry a used UUID and an old start."""
    profile = selectors.mediator_profile_for(request.viewer)
    if profile is None:
        return render(request, "mediation/record.html", {"profile": None})
    context = selectors.recording_context(profile)
    now = timezone.now()
    if request.method == "POST":
        visit = _visit_to_record(request, request.POST.get("visit"))
        extra = request.POST.getlist("themes") if visit else ()
        form = _record_form(request, profile, context, request.POST, now=now, extra_themes=extra)
        if form.is_valid():
            site = form.cleaned_data["site"]
            shift = context.shift if context.shift is not None and context.shift.site_id == site.pk else None
            try:
                interaction, _created = services.interaction_record(
                    actor=request.user,
                    mediator=profile,
                    data=form.interaction_data(shift=shift),
                    client_uuid=form.cleaned_data["client_uuid"],
                )
            except services.InteractionError as error:
                form.add_service_error(error)
                if "client_uuid" in error.message_dict:
                    _refresh(form, {"client_uuid": str(uuid.uuid4())})
            else:
                if interaction.is_deleted:
                    messages.info(
                        request,
                        _(
                            "Ce formulaire avait déjà été enregistré puis annulé : "
                            "rien n'a été enregistré de nouveau."
                        ),
                    )
                else:
                    if visit is not None and _link_visit(request, visit, interaction):
                        return redirect("flow:queue", site_pk=visit.site_id)
                    request.session[LAST_RECORD] = interaction.pk
                return redirect("mediation:record")
        if form.is_stale:
            fresh = _fresh_initial(now)
            _refresh(
                form, {name: fresh[name] for name in ("client_uuid", "started_at") if name in form.errors}
            )
        return _render_record(request, profile, context, form, now=now, visit=visit)
    prefill, extra = _visit_prefill(request)
    initial = _fresh_initial(now) | prefill
    beneficiary = _linked_beneficiary(request)
    if beneficiary is not None:
        initial["beneficiary"] = beneficiary.pk
    form = _record_form(request, profile, context, initial=initial, now=now, extra_themes=extra)
    visit = _visit_to_record(request, prefill.get("visit"))
    return _render_record(
        request, profile, context, form, now=now, details_open=beneficiary is not None, visit=visit
    )


def _linked_beneficiary(request):
    """`?beneficiaire=<pk>` from a followed person's page: the record is for them (works without JS)."""
    pk = request.GET.get("beneficiaire", "")
    if not pk.isdigit():
        return None
    return selectors.beneficiaries_visible_to(request.viewer).filter(pk=pk).first()


def _page_start(form):
    """When the page was first drawn: what the timer counts from (None if the form was tampered with)."""
    value = form["started_at"].value()
    if not isinstance(value, str):
        return value
    try:
        return form.fields["started_at"].to_python(value)
    except ValidationError:
        return None


def _render_record(
    request, profile, context, form, *, now, duplicate_of=None, details_open=False, visit=None
):
    started_at = _page_start(form)
    elapsed = elapsed_seconds(started_at, now) if started_at else 0
    last = None
    last_pk = request.session.pop(LAST_RECORD, None)
    if last_pk is not None:
        last = _editable(request, last_pk)
    undo_seconds = 0
    if last is not None and services.interaction_can_undo(last, now=now):
        undo_seconds = int((services.UNDO_WINDOW - (now - last.created_at)).total_seconds())
    return render(
        request,
        "mediation/record.html",
        {
            "profile": profile,
            "context": context,
            "form": form,
            "started_at": started_at,
            "elapsed": elapsed,
            "elapsed_label": f"{elapsed // 60} min",
            "recent": _recent_rows(profile, context.shift),
            "last": last,
            "last_summary": summary(last) if last else "",
            "undo_seconds": max(undo_seconds, 0),
            "undo_minutes": int(services.UNDO_WINDOW.total_seconds() // 60),
            "duplicate_of": duplicate_of,
            "details_open": details_open or form.details_have_errors,
            "now": now,
            "visit": visit,
        },
    )


@login_required
@require_POST
def undo(request, pk: int):
    """Takes back the record just saved, during UNDO_WINDOW; nothing else is undone."""
    interaction = _editable(request, pk)
    if interaction is None:
        if _already_removed(request, pk):
            messages.info(request, _("Cet enregistrement est déjà annulé."))
            return redirect("mediation:record")
        raise Http404
    if not services.interaction_can_undo(interaction):
        messages.error(
            request,
            _(
                "Le délai pour annuler est passé : pour retirer cette interaction, ouvrez-la "
                "(« Modifier ») et supprimez-la."
            ),
        )
        return redirect("mediation:record")
    services.interaction_delete(actor=request.user, interaction=interaction)
    _remember_removed(request, pk)
    messages.success(
        request,
        _(
            "Enregistrement annulé : l'interaction de %(time)s ne compte plus. Rien d'autre n'a été "
            "annulé : votre permanence et les fiches des bénéficiaires restent telles quelles."
        )
        % {"time": _clock(interaction.started_at)},
    )
    return redirect("mediation:record")


# ---------------------------------------------------------------------------------------------
# Edit, duplicate, delete
# ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def interaction_edit(request, pk: int):
    interaction = _editable(request, pk)
    if interaction is None:
        raise Http404
    current = services.data_from(interaction)
    locked = current.people if len(current.people) > 1 else None
    linked = [person.beneficiary for person in current.people if person.beneficiary is not None]
    options = {
        "current_beneficiary": linked[0] if linked and not locked else None,
        "sites": selectors.recording_sites_for(interaction.mediator),
        "current_site": interaction.site,
        "beneficiaries": selectors.beneficiaries_visible_to(request.viewer),
        "timer": False,
        "locked_people": locked,
    }
    back = _next_url(request, reverse("mediation:interaction_list"))
    if request.method == "POST":
        form = InteractionForm(request.POST, **options)
        if form.is_valid():
            site = form.cleaned_data["site"]
            shift = interaction.shift if interaction.shift and interaction.shift.site_id == site.pk else None
            try:
                interaction = services.interaction_update(
                    actor=request.user, interaction=interaction, data=form.interaction_data(shift=shift)
                )
            except services.InteractionError as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request, _("Interaction modifiée : %(what)s.") % {"what": summary(interaction)}
                )
                return redirect(back)
    else:
        form = InteractionForm(initial=InteractionForm.initial_from(current), **options)
    return render(
        request,
        "mediation/interaction_form.html",
        {
            "interaction": interaction,
            "form": form,
            "locked_people": locked,
            "back": back,
            "is_own": interaction.mediator.user_id == request.user.pk,
        },
    )


@login_required
@require_GET
@never_cache
def interaction_duplicate(request, pk: int):
    """The quick screen filled like an existing record, for another person: a new UUID, started now.

    The person and the notes are not copied: they belong to the first record."""
    original = _editable(request, pk)
    if original is None:
        raise Http404
    profile = selectors.mediator_profile_for(request.viewer)
    if profile is None:
        return render(request, "mediation/record.html", {"profile": None})
    context = selectors.recording_context(profile)
    now = timezone.now()
    initial = InteractionForm.initial_from(services.data_from(original), with_time=False, with_person=False)
    if context.shift is not None:
        initial["site"] = context.shift.site_id
    initial |= _fresh_initial(now)
    form = _record_form(request, profile, context, initial=initial, now=now)
    return _render_record(request, profile, context, form, now=now, duplicate_of=original, details_open=True)


@login_required
@require_POST
def interaction_delete(request, pk: int):
    """Soft delete, confirmed on the edit page: the record leaves every list and figure."""
    back = _next_url(request, reverse("mediation:interaction_list"))
    interaction = _editable(request, pk)
    if interaction is None:
        if _already_removed(request, pk):
            messages.info(request, _("Cette interaction est déjà supprimée."))
            return redirect(back)
        raise Http404
    services.interaction_delete(actor=request.user, interaction=interaction)
    _remember_removed(request, pk)
    messages.success(request, _("Interaction supprimée : %(what)s.") % {"what": summary(interaction)})
    return redirect(back)
