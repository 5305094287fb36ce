"""The attendance of a session, on the tablet: tap a name to tick the person present (tapping again
changes nothing), add people who came without registering and anonymous participants by kind, then
close the session into one group interaction. Every action is a plain form (it works without
JavaScript); with htmx, ticking a name redraws only its row and the summary."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from tremplin.mediation import selectors as mediation_selectors

from .. import selectors, services
from ..forms import ExtraParticipantsForm, WalkInForm, apply_errors
from ..models import Registration, Session
from .access import is_htmx, require_member, session_or_404
from .registrations import search_context


def _summary(session: Session) -> dict:
    rows = Registration.objects.filter(session=session)
    attended = rows.filter(attended=True)
    extras = sum(group.count for group in session.extra_participants.all())
    registered_present = attended.exclude(source=Registration.Source.WALK_IN).count()
    walk_ins = attended.filter(source=Registration.Source.WALK_IN).count()
    return {
        "registered_present": registered_present,
        "walk_ins": walk_ins,
        "extras": extras,
        "participants": registered_present + walk_ins + extras,
        "expected": rows.filter(status=Registration.Status.CONFIRMED)
        .exclude(source=Registration.Source.WALK_IN)
        .count(),
    }


def _extra_label(group) -> str:
    parts = [group.get_age_bracket_display(), group.get_gender_display(), group.get_social_status_display()]
    known = [part for part in parts if part]
    return ", ".join(known) if known else _("sans précision")


def _page(request, session, *, walk_in_form=None, extra_form=None, status=200):
    groups = list(session.extra_participants.all())
    for group in groups:
        group.label = _extra_label(group)
    context = {
        "session": session,
        "rows": selectors.attendance_list(request.viewer, session),
        "summary": _summary(session),
        "walk_in_form": walk_in_form or WalkInForm(),
        "extra_form": extra_form or ExtraParticipantsForm(),
        "extra_groups": groups,
        "is_done": session.status == Session.Status.DONE,
        "interactions_url": reverse("mediation:interaction_list"),
        **search_context(request),
    }
    return render(request, "workshops/attendance.html", context, status=status)


def _open_session(request, pk: int) -> Session:
    session = session_or_404(request, pk)
    if session.status == Session.Status.CANCELLED:
        raise Http404
    return session


@login_required
@require_safe
def attendance(request, pk: int):
    session = _open_session(request, pk)
    if timezone.localdate() < timezone.localtime(session.starts_at).date():
        messages.info(request, _("L'appel s'ouvre le jour de la séance."))
        return redirect("workshops:session_detail", pk=session.pk)
    return _page(request, session)


@login_required
@require_POST
def attendance_mark(request, pk: int, registration_pk: int):
    session = _open_session(request, pk)
    registration = (
        selectors.registrations_visible_to(request.viewer)
        .filter(pk=registration_pk, session=session)
        .select_related("beneficiary")
        .first()
    )
    if registration is None:
        raise Http404
    present = request.POST.get("present") != "0"
    try:
        registration = services.registration_mark_attendance(
            actor=request.user, registration=registration, present=present
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("workshops:attendance", pk=session.pk)
    if is_htmx(request):
        return render(
            request,
            "workshops/_attendance_row.html",
            {"row": registration, "session": session, "summary": _summary(session), "oob": True},
        )
    return redirect(reverse("workshops:attendance", args=[session.pk]) + f"#inscription-{registration.pk}")


@login_required
@require_POST
def walk_in(request, pk: int):
    session = _open_session(request, pk)
    form = WalkInForm(request.POST)
    if form.is_valid():
        beneficiary = None
        if form.cleaned_data["beneficiary"]:
            beneficiary = (
                mediation_selectors.beneficiaries_visible_to(request.viewer)
                .filter(pk=form.cleaned_data["beneficiary"])
                .first()
            )
            if beneficiary is None:
                form.add_error("beneficiary", _("Cette personne n'est pas parmi celles que vous suivez."))
        if not form.errors:
            try:
                registration, _created = services.walk_in_add(
                    actor=request.user,
                    session=session,
                    beneficiary=beneficiary,
                    first_name=form.cleaned_data["first_name"],
                    client_uuid=form.cleaned_data["client_uuid"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request, _("%(name)s ajouté(e), présent(e).") % {"name": registration.display_name}
                )
                return redirect("workshops:attendance", pk=session.pk)
    return _page(request, session, walk_in_form=form, status=422)


@login_required
@require_POST
def extra_participants(request, pk: int):
    """Add anonymous participants of a kind (`mode=add`), or set their number (`mode=set`, the − and +
    buttons, which post the number wanted: a repeated tap does not count twice)."""
    session = _open_session(request, pk)
    form = ExtraParticipantsForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        kind = {name: data[name] for name in ("age_bracket", "gender", "social_status")}
        count = data["count"]
        if data.get("mode") != "set":
            current = session.extra_participants.filter(**kind).values_list("count", flat=True).first() or 0
            count += current
        try:
            services.extra_participants_set(actor=request.user, session=session, count=count, **kind)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect(reverse("workshops:attendance", args=[session.pk]) + "#anonymes")
    return _page(request, session, extra_form=form, status=422)


@login_required
@require_POST
def close(request, pk: int):
    require_member(request)
    session = _open_session(request, pk)
    was_done = session.status == Session.Status.DONE
    try:
        session = services.session_close(actor=request.user, session=session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("workshops:attendance", pk=session.pk)
    session.refresh_from_db()
    if session.interaction_id is None or session.interaction.is_deleted:
        messages.success(
            request, _("Séance clôturée : personne n'est venu, aucune interaction n'est enregistrée.")
        )
    elif was_done:
        messages.success(request, _("Interaction de groupe mise à jour."))
    else:
        messages.success(
            request,
            _("Séance clôturée : elle compte comme une interaction de groupe de %(count)s personnes.")
            % {"count": session.interaction.accompaniments.count()},
        )
    return redirect("workshops:attendance", pk=session.pk)
