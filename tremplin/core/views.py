from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tremplin.accounts.selectors import members_of_operator, memberships_of
from tremplin.territory.selectors import coverage_by_departement, sites_visible_to

from .forms import JournalFilterForm
from .models import JournalEntry
from .roles import Role
from .selectors import journal_entries


@login_required
def home(request):
    """Each role lands on the page that fits its work."""
    viewer = request.viewer
    context = {"memberships": memberships_of(request.user)}
    if viewer.role == Role.MEDIATOR:
        context["sites"] = sites_visible_to(viewer).with_mediation().select_related("commune")
        template = "core/home_mediator.html"
    elif viewer.role == Role.COORDINATOR:
        context["sites"] = sites_visible_to(viewer).with_mediation().select_related("commune")
        context["members"] = members_of_operator(viewer)
        template = "core/home_coordinator.html"
    elif viewer.role == Role.FUNDER:
        context["coverage"] = coverage_by_departement(viewer)
        template = "core/home_funder.html"
    elif viewer.role == Role.ADMIN or viewer.is_platform_admin:
        context["members"] = members_of_operator(viewer)
        context["journal"] = journal_entries(viewer=viewer)[:10]
        template = "core/home_admin.html"
    else:
        template = "core/home_no_role.html"
    return render(request, template, context)


@login_required
def journal(request):
    viewer = request.viewer
    if not (viewer.is_(Role.ADMIN) or viewer.is_platform_admin):
        raise PermissionDenied
    form = JournalFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        entries = JournalEntry.objects.none()
    else:
        filters = form.cleaned_data if form.is_bound else {}
        entries = journal_entries(viewer=viewer, **{k: v for k, v in filters.items() if v})
    page = Paginator(entries, settings.TREMPLIN_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "core/journal.html", {"form": form, "page": page, "query": query.urlencode()})


@require_GET
def design(request):
    """Every component of the interface, to keep the look consistent."""
    from django import forms as django_forms

    class DemoForm(django_forms.Form):
        name = django_forms.CharField(label="Nom du site", initial="Bureau de Molinet")
        email = django_forms.EmailField(label="Adresse e-mail", help_text="Pour les rappels.")
        kind = django_forms.ChoiceField(
            label="Type",
            choices=[("bureau_de_poste", "Bureau de poste"), ("apc", "Agence postale communale")],
        )
        consent = django_forms.BooleanField(label="La personne a donné son accord")

    bound = DemoForm({"name": "", "email": "pas-une-adresse", "kind": "apc"})
    bound.is_valid()
    chart = [("Jan.", 120), ("Fév.", 180), ("Mars", 150), ("Avr.", 210)]
    peak = max(value for _, value in chart)
    bars = [
        {"label": label, "value": value, "height": h, "y": 150 - h, "x": 50 + i * 70}
        for i, (label, value) in enumerate(chart)
        for h in [round(value / peak * 120)]
    ]
    return render(request, "core/design.html", {"form": bound, "bars": bars})


def healthz(request):
    return JsonResponse({"status": "ok"})


def error_404(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Ressource introuvable."}, status=404)
    return render(request, "404.html", status=404)


def error_403(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Accès refusé."}, status=403)
    return render(request, "403.html", status=403)


def error_500(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Erreur interne. L'équipe a été prévenue."}, status=500)
    return render(request, "500.html", status=500)
