from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import Role

#: Navigation per role: (label, url name). Later apps add their entries here.
NAVIGATION = {
    Role.MEDIATOR: [
        (_("Accueil"), "core:home"),
        (_("Ma permanence"), "staffing:shift_home"),
        (_("Mon planning"), "staffing:my_schedule"),
        (_("Sites"), "territory:site_list"),
    ],
    Role.COORDINATOR: [
        (_("Accueil"), "core:home"),
        (_("Contrats"), "staffing:contract_list"),
        (_("Médiateurs"), "staffing:mediator_list"),
        (_("Sites"), "territory:site_list"),
    ],
    Role.FUNDER: [
        (_("Accueil"), "core:home"),
        (_("Contrats"), "staffing:contract_list"),
        (_("Sites"), "territory:site_list"),
    ],
    Role.ADMIN: [
        (_("Accueil"), "core:home"),
        (_("Contrats"), "staffing:contract_list"),
        (_("Médiateurs"), "staffing:mediator_list"),
        (_("Sites"), "territory:site_list"),
        (_("Membres"), "accounts:members"),
        (_("Journal"), "core:journal"),
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
    nav = []
    for label, name in items:
        url = reverse(name)
        is_current = current == url if url == "/" else current.startswith(url)
        nav.append({"label": label, "url": url, "current": is_current})
    return {"nav_items": nav, "current_membership_label": _membership_label(viewer)}


def _membership_label(viewer) -> str:
    if not viewer.role:
        return ""
    from tremplin.accounts.models import Operator

    operator = Operator.objects.filter(pk=viewer.operator_id).values_list("name", flat=True).first()
    return f"{Role(viewer.role).label} · {operator}"
