"""Followed beneficiaries: find someone in two keystrokes, follow a person with their consent, see their
history, merge duplicates, and make a person anonymous when they withdraw their consent.

Who sees whom is decided by the selectors; a person the viewer cannot see is a 404, an action the
viewer may not take on a person they see is a 403. Funders never read individual people.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Max, Min, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from tremplin.core.roles import Role

from .. import selectors, services
from ..beneficiary_forms import BeneficiaryCreateForm, BeneficiaryForm, display_phone, retention_label
from ..models import Accompaniment, Beneficiary
from ..vocabularies import AgeBracket

STAFF_ROLES = (Role.COORDINATOR, Role.ADMIN)
#: How many people a search shows; the person is found by typing one more letter.
SEARCH_LIMIT = 10
_ALIVE = Q(accompaniments__interaction__deleted_at__isnull=True)


def _require_reader(viewer) -> None:
    """People are read by the operator's members (and platform staff); never by funders."""
    if viewer.works_for_operator or (viewer.is_platform_admin and not viewer.has_role):
        return
    raise PermissionDenied


def _visible(viewer, pk: int) -> Beneficiary:
    _require_reader(viewer)
    beneficiary = (
        selectors.beneficiaries_visible_to(viewer)
        .select_related("commune", "recorded_by__user", "consent_by")
        .filter(pk=pk)
        .first()
    )
    if beneficiary is None:
        raise Http404
    return beneficiary


def _can_edit(viewer) -> bool:
    return viewer.works_for_operator


def _can_merge(viewer, beneficiary: Beneficiary) -> bool:
    return selectors.beneficiaries_mergeable_by(viewer).filter(pk=beneficiary.pk).exists()


def _can_anonymise(viewer, beneficiary: Beneficiary) -> bool:
    """The mediator who recorded the person, and the operator's coordinators and administrators."""
    if viewer.is_(*STAFF_ROLES):
        return True
    return viewer.works_for_operator and beneficiary.recorded_by.user_id == viewer.user_id


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _last_visits(beneficiaries) -> dict[int, object]:
    """When each of these people was last helped (None when never), in one query."""
    rows = (
        Accompaniment.objects.filter(
            beneficiary__in=[person.pk for person in beneficiaries], interaction__deleted_at__isnull=True
        )
        .values("beneficiary")
        .annotate(last=Max("interaction__started_at"))
    )
    return {row["beneficiary"]: row["last"] for row in rows}


def _query(request) -> str:
    """The search text as typed, without what a database refuses (NUL) and no longer than a name."""
    return request.GET.get("q", "").replace("\x00", "")[:80]


def _search(viewer, query: str) -> dict:
    """The context of the results fragment: a hint below two letters, else the people found."""
    too_short = len(services.normalise_name(query)) < 2
    results = [] if too_short else selectors.beneficiary_search(viewer, query, limit=SEARCH_LIMIT)
    visits = _last_visits(results)
    for person in results:
        person.last_visit = visits.get(person.pk)
    return {
        "query": query,
        "too_short": too_short,
        "results": results,
        "searched": bool(query.strip()),
        "can_create": selectors.mediator_profile_for(viewer) is not None,
    }


# ---------------------------------------------------------------------------------------------
# List and search
# ---------------------------------------------------------------------------------------------


@login_required
@require_safe
def beneficiary_list(request):
    viewer = request.viewer
    _require_reader(viewer)
    query = _query(request)
    people = (
        selectors.beneficiaries_visible_to(viewer)
        .select_related("commune")
        .annotate(last_visit=Max("accompaniments__interaction__started_at", filter=_ALIVE))
        .order_by(F("last_visit").desc(nulls_last=True), "search_key", "pk")
    )
    page = Paginator(people, settings.TREMPLIN_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mediation/beneficiary_list.html",
        {
            "page": page,
            "pagination_query": urlencode({"q": query}) if query else "",
            **_search(viewer, query),
        },
    )


@login_required
@require_safe
def beneficiary_search(request):
    """The live search: results for the list page, or with `pick=1` radio inputs for a record form."""
    viewer = request.viewer
    _require_reader(viewer)
    context = _search(viewer, _query(request))
    if request.GET.get("pick") == "1":
        wanted = request.GET.get("beneficiary", "")
        context["selected"] = wanted if wanted in {str(person.pk) for person in context["results"]} else ""
        template = "mediation/_beneficiary_pick.html"
    else:
        template = "mediation/_beneficiary_results.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# ---------------------------------------------------------------------------------------------
# Create and edit
# ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def beneficiary_create(request):
    viewer = request.viewer
    _require_reader(viewer)
    mediator = selectors.mediator_profile_for(viewer)
    if mediator is None:
        raise PermissionDenied
    form = BeneficiaryCreateForm(
        request.POST if request.method == "POST" else None,
        initial={"display_name": " ".join(_query(request).split())},
    )
    similar = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        similar = selectors.similar_beneficiaries(viewer, data["display_name"], data["birth_year"])
        if not similar or data["confirm_distinct"]:
            try:
                beneficiary = services.beneficiary_create(
                    actor=request.user,
                    mediator=mediator,
                    consent_given=data["consent_given"],
                    **form.values(),
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(
                    request, _("%(name)s est maintenant suivi(e).") % {"name": beneficiary.display_name}
                )
                return redirect("mediation:beneficiary_detail", pk=beneficiary.pk)
    return render(
        request,
        "mediation/beneficiary_form.html",
        {"form": form, "similar": similar, "creating": True, "retention": retention_label()},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def beneficiary_edit(request, pk: int):
    viewer = request.viewer
    beneficiary = _visible(viewer, pk)
    if not _can_edit(viewer):
        raise PermissionDenied
    form = BeneficiaryForm(request.POST if request.method == "POST" else None, beneficiary=beneficiary)
    if request.method == "POST" and form.is_valid():
        try:
            services.beneficiary_update(actor=request.user, beneficiary=beneficiary, **form.values())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Fiche enregistrée."))
            return redirect("mediation:beneficiary_detail", pk=beneficiary.pk)
    return render(
        request,
        "mediation/beneficiary_form.html",
        {"form": form, "beneficiary": beneficiary, "creating": False, "retention": retention_label()},
    )


# ---------------------------------------------------------------------------------------------
# Detail
# ---------------------------------------------------------------------------------------------


@login_required
@require_safe
def beneficiary_detail(request, pk: int):
    viewer = request.viewer
    beneficiary = _visible(viewer, pk)
    history = selectors.beneficiary_history(viewer, beneficiary)
    figures = history.aggregate(first=Min("started_at"))
    page = Paginator(history, settings.TREMPLIN_PAGE_SIZE).get_page(request.GET.get("page"))
    bracket = beneficiary.age_bracket
    return render(
        request,
        "mediation/beneficiary_detail.html",
        {
            "beneficiary": beneficiary,
            "age_bracket": AgeBracket(bracket).label if bracket else "",
            "phone": display_phone(beneficiary.phone),
            "page": page,
            "count": page.paginator.count,
            "first_at": figures["first"],
            "can_edit": _can_edit(viewer),
            "can_merge": _can_merge(viewer, beneficiary),
            "can_anonymise": _can_anonymise(viewer, beneficiary),
        },
    )


# ---------------------------------------------------------------------------------------------
# Merge and anonymise
# ---------------------------------------------------------------------------------------------


def _with_figures(beneficiary: Beneficiary) -> Beneficiary:
    """Adds what the comparison shows: how many times the person was helped, first and last time."""
    figures = Accompaniment.objects.filter(
        beneficiary=beneficiary, interaction__deleted_at__isnull=True
    ).aggregate(first=Min("interaction__started_at"), last=Max("interaction__started_at"))
    beneficiary.visit_count = Accompaniment.objects.filter(
        beneficiary=beneficiary, interaction__deleted_at__isnull=True
    ).count()
    beneficiary.first_visit = figures["first"]
    beneficiary.last_visit = figures["last"]
    beneficiary.phone_display = display_phone(beneficiary.phone)
    return beneficiary


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def beneficiary_merge(request, pk: int):
    """Keep this record and fold a duplicate into it: pick the duplicate, compare, confirm."""
    viewer = request.viewer
    keep = _visible(viewer, pk)
    if not _can_merge(viewer, keep):
        raise PermissionDenied
    mergeable = selectors.beneficiaries_mergeable_by(viewer).exclude(pk=keep.pk)
    chosen = request.POST.get("duplicate") if request.method == "POST" else request.GET.get("duplicate")
    duplicate = None
    if chosen:
        duplicate = (
            mergeable.select_related("commune", "recorded_by__user", "consent_by")
            .filter(pk=int(chosen) if str(chosen).isdigit() else 0)
            .first()
        )
        if duplicate is None:
            raise Http404
    if request.method == "POST":
        if duplicate is None:
            messages.error(request, _("Choisissez la fiche en double."))
            return redirect("mediation:beneficiary_merge", pk=keep.pk)
        try:
            services.beneficiary_merge(actor=request.user, keep=keep, duplicate=duplicate)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("mediation:beneficiary_merge", pk=keep.pk)
        messages.success(
            request,
            _("Les deux fiches n'en font plus qu'une : l'historique de la fiche en double est ici."),
        )
        return redirect("mediation:beneficiary_detail", pk=keep.pk)
    query = _query(request)
    if duplicate is not None:
        candidates = []
    elif len(services.normalise_name(query)) >= 2:
        candidates = [
            person
            for person in selectors.beneficiary_search(viewer, query, limit=SEARCH_LIMIT + 1)
            if person.pk != keep.pk
        ][:SEARCH_LIMIT]
    else:
        candidates = selectors.similar_beneficiaries(
            viewer, keep.display_name, keep.birth_year, exclude_pk=keep.pk
        )
    return render(
        request,
        "mediation/beneficiary_merge.html",
        {
            "keep": _with_figures(keep),
            "duplicate": _with_figures(duplicate) if duplicate else None,
            "candidates": candidates,
            "query": query,
            "searched": len(services.normalise_name(query)) >= 2,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def beneficiary_anonymise(request, pk: int):
    """« La personne retire son accord »: the name and contacts go, the figures stay."""
    viewer = request.viewer
    beneficiary = _visible(viewer, pk)
    if not _can_anonymise(viewer, beneficiary):
        raise PermissionDenied
    if request.method == "POST":
        services.beneficiary_anonymise(
            actor=request.user, beneficiary=beneficiary, reason="consent_withdrawn"
        )
        messages.success(
            request,
            _(
                "La fiche a été rendue anonyme : le prénom, l'année de naissance et les contacts sont "
                "effacés, ses accompagnements restent comptés dans les chiffres."
            ),
        )
        return redirect("mediation:beneficiary_list")
    return render(
        request, "mediation/beneficiary_anonymise.html", {"beneficiary": _with_figures(beneficiary)}
    )
