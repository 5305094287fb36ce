from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import Role

#: Navigation per role: (label, url name). Later apps add their entries here.
NAVIGATION = {
    Role.MEDIATOR: [
        (_("Accueil"), "core:home"),
        (_("Enregistrer"), "mediation:record"),
        (_("File d'attente"), "flow:queue_home"),
        (_("Ateliers"), "workshops:programme"),
        (_("Mes interactions"), "mediation:interaction_list"),
        (_("Bénéficiaires"), "mediation:beneficiary_list"),
        (_("Ma permanence"), "staffing:shift_home"),
        (_("Mon planning"), "staffing:my_schedule"),
        (_("Sites"), "territory:site_list"),
        (_("Mes chiffres"), "reporting:dashboard"),
    ],
    Role.COORDINATOR: [
        (_("Accueil"), "core:home"),
        (_("Contrats"), "staffing:contract_list"),
        (_("Médiateurs"), "staffing:mediator_list"),
        (_("File d'attente"), "flow:queue_home"),
        (_("Ateliers"), "workshops:programme"),
        (_("Interactions"), "mediation:interaction_list"),
        (_("Bénéficiaires"), "mediation:beneficiary_list"),
        (_("Sites"), "territory:site_list"),
        (_("Statistiques"), "reporting:dashboard"),
    ],
    Role.FUNDER: [
        (_("Accueil"), "core:home"),
        (_("Contrats"), "staffing:contract_list"),
        (_("Sites"), "territory:site_list"),
        (_("Statistiques"), "reporting:dashboard"),
        (_("Objectifs"), "reporting:objectives"),
        (_("Carte"), "reporting:map"),
    ],
    Role.ADMIN: [
        (_("Accueil"), "core:home"),
        (_("Contrats"), "staffing:contract_list"),
        (_("Médiateurs"), "staffing:mediator_list"),
        (_("File d'attente"), "flow:queue_home"),
        (_("Ateliers"), "workshops:programme"),
        (_("Interactions"), "mediation:interaction_list"),
        (_("Bénéficiaires"), "mediation:beneficiary_list"),
        (_("Sites"), "territory:site_list"),
        (_("Membres"), "accounts:members"),
        (_("Journal"), "core:journal"),
        (_("Statistiques"), "reporting:dashboard"),
    ],
}


def navigation(request):
    viewer = getattr(request, "viewer", None)
    if viewer is None or not viewer.is_authenticated:
        return {}
    items = NAVIGATION.get(viewer.role, [(_("Accueil"), "core:home")])
    if viewer.is_platform_admin and viewer.role != Role.ADMIN:
        items = [*items, (_("Journal"), "core:journal")]
    current = request.path
    urls = [reverse(name) for _label, name in items]
    matching = [url for url in urls if (current == url if url == "/" else current.startswith(url))]
    best = max(matching, key=len, default=None)
    nav = [
        {"label": label, "url": url, "current": url == best}
        for (label, _name), url in zip(items, urls, strict=True)
    ]
    return {"nav_items": nav, "current_membership_label": _membership_label(viewer)}


def _membership_label(viewer) -> str:
    if not viewer.role:
        return ""
    from tremplin.accounts.models import Operator

    operator = Operator.objects.filter(pk=viewer.operator_id).values_list("name", flat=True).first()
    return f"{Role(viewer.role).label} · {operator}"
