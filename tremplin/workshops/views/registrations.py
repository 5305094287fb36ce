"""Registering people from the office: a followed person (found in two letters), a new followed person
(with their consent, through mediation's services), or someone who only leaves a first name and a
contact. Staff also cancel a registration, or confirm for someone a seat offered to them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tremplin.mediation import selectors as mediation_selectors
from tremplin.mediation import services as mediation_services
from tremplin.mediation.beneficiary_forms import BeneficiaryCreateForm, retention_label

from .. import selectors, services
from ..forms import ContactForm, FollowedRegistrationForm, apply_errors
from ..models import Registration
from .access import registration_or_404, require_member, session_or_404

MODES = ("followed", "new", "contact")


def _query(request) -> str:
    return request.GET.get("q", "").replace("\x00", "")[:80]


def search_context(request) -> dict:
    query = _query(request)
    too_short = len(mediation_services.normalise_name(query)) < 2
    return {
        "query": query,
        "searched": bool(query.strip()),
        "too_short": too_short,
        "results": [] if too_short else selectors.beneficiaries_for_registration(request.viewer, query),
    }


def _said(registration: Registration) -> str:
    name = registration.display_name
    if registration.status == Registration.Status.CONFIRMED:
        return _("%(name)s est inscrit(e) : sa place est confirmée.") % {"name": name}
    position = Registration.objects.filter(
        session_id=registration.session_id,
        status=Registration.Status.WAITLISTED,
        waitlisted_at__lte=registration.waitlisted_at,
    ).count()
    return _("La séance est complète : %(name)s est en liste d'attente (position %(position)s).") % {
        "name": name,
        "position": position,
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_register(request, pk: int):
    session = session_or_404(request, pk)
    viewer = request.viewer
    mediator = selectors.mediator_profile_for(viewer)
    mode = request.POST.get("mode") if request.method == "POST" else None
    followed_form = FollowedRegistrationForm(request.POST if mode == "followed" else None)
    new_form = (
        BeneficiaryCreateForm(request.POST if mode == "new" else None, prefix="new") if mediator else None
    )
    contact_form = ContactForm(request.POST if mode == "contact" else None, prefix="contact")
    similar = []
    registration = None
    try:
        if mode == "followed" and followed_form.is_valid():
            beneficiary = (
                mediation_selectors.beneficiaries_visible_to(viewer)
                .filter(pk=followed_form.cleaned_data["beneficiary"])
                .first()
            )
            if beneficiary is None:
                followed_form.add_error(
                    "beneficiary", _("Cette personne n'est pas parmi celles que vous suivez.")
                )
            else:
                registration, _created = services.registration_create(
                    actor=request.user,
                    session=session,
                    source=Registration.Source.STAFF,
                    beneficiary=beneficiary,
                    client_uuid=followed_form.cleaned_data["client_uuid"],
                )
        elif mode == "new" and new_form is not None and new_form.is_valid():
            data = new_form.cleaned_data
            similar = mediation_selectors.similar_beneficiaries(
                viewer, data["display_name"], data["birth_year"]
            )
            if not similar or data["confirm_distinct"]:
                with transaction.atomic():
                    beneficiary = mediation_services.beneficiary_create(
                        actor=request.user,
                        mediator=mediator,
                        consent_given=data["consent_given"],
                        **new_form.values(),
                    )
                    registration, _created = services.registration_create(
                        actor=request.user,
                        session=session,
                        source=Registration.Source.STAFF,
                        beneficiary=beneficiary,
                    )
        elif mode == "contact" and contact_form.is_valid():
            data = contact_form.cleaned_data
            registration, _created = services.registration_create(
                actor=request.user,
                session=session,
                source=Registration.Source.STAFF,
                first_name=data["first_name"],
                phone=data["phone"],
                email=data["email"],
                consent=data["consent"],
                client_uuid=data["client_uuid"],
            )
    except ValidationError as error:
        form = {"followed": followed_form, "new": new_form, "contact": contact_form}[mode]
        apply_errors(form, error)
    if registration is not None:
        messages.success(request, _said(registration))
        return redirect("workshops:session_detail", pk=session.pk)
    return render(
        request,
        "workshops/session_register.html",
        {
            "session": session,
            "followed_form": followed_form,
            "new_form": new_form,
            "contact_form": contact_form,
            "similar": similar,
            "mode": mode,
            "retention": retention_label(),
            "seats_left": max(session.capacity - session.seated, 0),
            **search_context(request),
        },
    )


@login_required
@require_safe
def beneficiary_search(request):
    """The live search of the registration and attendance pages: followed people as radio buttons."""
    require_member(request)
    response = render(request, "workshops/_beneficiary_choices.html", search_context(request))
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_POST
def registration_cancel(request, pk: int):
    registration = registration_or_404(request, pk)
    try:
        services.registration_cancel(actor=request.user, registration=registration)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Inscription de %(name)s annulée.") % {"name": registration.display_name})
    return redirect("workshops:session_detail", pk=registration.session_id)


@login_required
@require_POST
def registration_confirm(request, pk: int):
    """A person offered a freed seat says yes on the phone or at the counter: staff confirm for them."""
    registration = registration_or_404(request, pk)
    try:
        services.registration_confirm_offer(actor=request.user, registration=registration)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Place confirmée pour %(name)s.") % {"name": registration.display_name})
    return redirect("workshops:session_detail", pk=registration.session_id)
