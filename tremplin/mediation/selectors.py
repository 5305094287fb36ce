"""Reads of the mediation app, scoped once here.

Interactions: a mediator reads their own; coordinators and administrators their operator's. Funders
read figures (the reporting app), never individual records.
Followed beneficiaries: a mediator reads those they recorded, and those who agreed to be followed by
the whole structure; coordinators and administrators read all of their operator's. Funders never do."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from tremplin.core.roles import Role
from tremplin.core.tenancy import Viewer
from tremplin.staffing import selectors as staffing_selectors
from tremplin.staffing import services as staffing_services
from tremplin.staffing.models import ContractSite, MediatorProfile, Shift
from tremplin.territory.models import Site

from .models import Accompaniment, Beneficiary, Interaction, InteractionTheme
from .services import normalise_name
from .vocabularies import Theme

#: Themes offered first on the quick-record screen when a site has no history yet.
DEFAULT_THEMES = (
    Theme.AIDE_AUX_DEMARCHES_ADMINISTRATIVES,
    Theme.BANQUE_ET_ACHATS_EN_LIGNE,
    Theme.EMAIL,
    Theme.PRENDRE_EN_MAIN_DU_MATERIEL,
    Theme.NAVIGATION_SUR_INTERNET,
    Theme.ARGENT_IMPOTS,
)
TOP_THEMES = 6
TOP_THEMES_WINDOW = timedelta(days=90)
STAFF_ROLES = (Role.COORDINATOR, Role.ADMIN)


def mediator_profile_for(viewer: Viewer) -> MediatorProfile | None:
    return staffing_selectors.mediator_profile_for(viewer)


def interactions_visible_to(viewer: Viewer):
    interactions = Interaction.objects.visible_to(viewer).alive()
    if viewer.is_platform_admin and not viewer.has_role:
        return interactions
    if viewer.is_(Role.MEDIATOR):
        return interactions.filter(mediator__user_id=viewer.user_id)
    if viewer.is_(*STAFF_ROLES):
        return interactions
    return interactions.none()


def interactions_for_list(viewer: Viewer):
    """With what a list shows, in a fixed number of queries."""
    return (
        interactions_visible_to(viewer)
        .select_related("site", "mediator__user")
        .prefetch_related(
            Prefetch("themes", queryset=InteractionTheme.objects.order_by("theme")),
            Prefetch("accompaniments", queryset=Accompaniment.objects.select_related("beneficiary")),
        )
    )


def interactions_editable_by(viewer: Viewer):
    """A mediator edits their own records; coordinators and administrators their operator's."""
    return interactions_visible_to(viewer)


def beneficiaries_visible_to(viewer: Viewer):
    beneficiaries = Beneficiary.objects.visible_to(viewer).active()
    if viewer.is_platform_admin and not viewer.has_role:
        return beneficiaries
    if viewer.is_(*STAFF_ROLES):
        return beneficiaries
    if viewer.is_(Role.MEDIATOR):
        return beneficiaries.filter(
            Q(recorded_by__user_id=viewer.user_id) | Q(consent_scope=Beneficiary.ConsentScope.STRUCTURE)
        )
    return beneficiaries.none()


def beneficiaries_mergeable_by(viewer: Viewer):
    if not viewer.is_(*STAFF_ROLES):
        return Beneficiary.objects.none()
    return beneficiaries_visible_to(viewer)


def beneficiary_search(viewer: Viewer, query: str, *, limit: int = 10) -> list[Beneficiary]:
    """Found from two letters: names starting with them first, then names containing them."""
    key = normalise_name(query)
    if len(key) < 2:
        return []
    visible = beneficiaries_visible_to(viewer).select_related("commune")
    starting = list(visible.filter(Q(search_key__startswith=key) | Q(search_key__contains=f" {key}"))[:limit])
    if len(starting) < limit:
        seen = [row.pk for row in starting]
        starting += list(
            visible.filter(search_key__contains=key).exclude(pk__in=seen)[: limit - len(starting)]
        )
    return starting


def similar_beneficiaries(
    viewer: Viewer, display_name: str, birth_year: int | None, *, exclude_pk: int | None = None
) -> list[Beneficiary]:
    """Followed people who look like this one: a close name (fuzzy) and, when known, a year within one.

    Only among those the viewer may see: the warning must not reveal anyone else."""
    key = normalise_name(display_name)
    if len(key) < 2:
        return []
    candidates = beneficiaries_visible_to(viewer).filter(
        Q(search_key__startswith=key[:2]) | Q(search_key__contains=key[:4])
    )
    if birth_year:
        candidates = candidates.filter(
            Q(birth_year__isnull=True) | Q(birth_year__gte=birth_year - 1, birth_year__lte=birth_year + 1)
        )
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    similar = []
    for candidate in candidates[:200]:
        ratio = difflib.SequenceMatcher(None, key, candidate.search_key).ratio()
        if ratio >= 0.8 or candidate.search_key.split()[:1] == key.split()[:1]:
            similar.append((ratio, candidate))
    similar.sort(key=lambda pair: -pair[0])
    return [candidate for _ratio, candidate in similar[:5]]


def beneficiary_history(viewer: Viewer, beneficiary: Beneficiary):
    """The interactions this person was helped in, among those the viewer reads; nothing for a person
    the viewer may not read (a funder, another mediator's privately followed person)."""
    if not beneficiaries_visible_to(viewer).filter(pk=beneficiary.pk).exists():
        return Interaction.objects.none()
    return (
        Interaction.objects.visible_to(viewer)
        .alive()
        .filter(accompaniments__beneficiary=beneficiary)
        .select_related("site", "mediator__user")
        .prefetch_related("themes")
        .order_by("-started_at")
    )


# ---------------------------------------------------------------------------------------------
# The quick-record screen
# ---------------------------------------------------------------------------------------------


@dataclass
class RecordingContext:
    """Where and when the next record happens, without asking: from the shift under way."""

    mediator: MediatorProfile
    shift: Shift | None
    site: Site | None
    sites: list[Site]


def recording_sites_for(mediator: MediatorProfile):
    """Where a mediator may record: their operator's contract sites and the sites of their shifts."""
    contract_sites = ContractSite.objects.filter(contract__operator_id=mediator.operator_id).values("site_id")
    shift_sites = Shift.objects.filter(mediator=mediator).values("site_id")
    return (
        Site.objects.filter(Q(pk__in=contract_sites) | Q(pk__in=shift_sites))
        .select_related("commune")
        .order_by("name")
    )


def recording_context(mediator: MediatorProfile, *, now=None) -> RecordingContext:
    now = now or timezone.now()
    sites = list(recording_sites_for(mediator))
    shift = staffing_selectors.open_shift_of(mediator)
    if shift is not None and staffing_services.shift_is_forgotten(shift, now=now):
        shift = None
    site = shift.site if shift is not None else None
    if site is None:
        presence = staffing_selectors.presence_for_start(mediator, now=now)
        for candidate in (
            presence.site if presence else None,
            staffing_selectors.last_shift_site(mediator),
        ):
            if candidate is not None and candidate in sites:
                site = candidate
                break
    if site is None and len(sites) == 1:
        site = sites[0]
    return RecordingContext(mediator=mediator, shift=shift, site=site, sites=sites)


def top_themes_at(site: Site | None, *, now=None, limit: int = TOP_THEMES) -> list[str]:
    """The themes most used at this site lately, completed with common ones: the chips shown first."""
    codes: list[str] = []
    if site is not None:
        since = (now or timezone.now()) - TOP_THEMES_WINDOW
        codes = list(
            InteractionTheme.objects.filter(
                interaction__site=site,
                interaction__started_at__gte=since,
                interaction__deleted_at__isnull=True,
            )
            .values("theme")
            .annotate(uses=Count("id"))
            .order_by("-uses", "theme")
            .values_list("theme", flat=True)[:limit]
        )
    for code in DEFAULT_THEMES:
        if len(codes) >= limit:
            break
        if code not in codes:
            codes.append(code)
    return codes


def recent_records(mediator: MediatorProfile, *, shift: Shift | None, limit: int = 10):
    """The last records of the shift under way (or of today, without a shift), newest first."""
    records = Interaction.objects.alive().filter(mediator=mediator)
    if shift is not None:
        records = records.filter(shift=shift)
    else:
        records = records.filter(started_at__date=timezone.localdate())
    return records.select_related("site").prefetch_related("themes").order_by("-created_at")[:limit]
