"""The tenancy walk: every URL of the project, tried by every member of tenant A against tenant B.

The URLs come from the resolver itself (the Django admin and the API included), so a page is covered
the day it is added. A URL that takes arguments must say how to point it at tenant B's object: in
URL_KWARGS below, or, for the object pages of a model registered in the admin, in ADMIN_OBJECTS.
A new one that nobody registered fails `test_every_url_argument_points_at_tenant_b` with the entry to add.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from conftest import Tenant, verified_client
from tremplin.accounts.models import ApiToken, Membership, User
from tremplin.accounts.selectors import viewer_for_membership
from tremplin.accounts.services import api_token_create
from tremplin.accounts.tests.factories import UserFactory
from tremplin.core.models import JournalEntry
from tremplin.core.roles import Role
from tremplin.core.tenancy import ScopedQuerySet
from tremplin.flow import services as flow_services
from tremplin.flow.models import Board, SiteReason, TicketCounter, Visit, VisitEvent, VisitReason
from tremplin.mediation import services as mediation_services
from tremplin.mediation.models import Accompaniment, Beneficiary, Interaction, InteractionTheme
from tremplin.reporting import services as reporting_services
from tremplin.reporting.models import ExportJob, Objective, ReportComment, ShareLink
from tremplin.reporting.periods import Period
from tremplin.staffing import services as staffing_services
from tremplin.staffing.models import (
    Absence,
    Certification,
    Contract,
    ContractSite,
    MediatorProfile,
    Replacement,
    Rotation,
    Shift,
    ShiftCorrection,
)
from tremplin.staffing.tests.factories import ContractFactory, ContractSiteFactory, RotationFactory
from tremplin.territory.models import Commune, Departement, Region, Site
from tremplin.workshops import services as workshops_services
from tremplin.workshops.links import registration_token
from tremplin.workshops.models import (
    ExtraParticipants,
    PathwayStep,
    Registration,
    RegistrationMessage,
    WorkshopTheme,
)

ROLES = [Role.ADMIN, Role.COORDINATOR, Role.MEDIATOR, Role.FUNDER]


@dataclass
class TenantB:
    """Tenant B with one row of each kind the URLs can point at, and the strings that identify it."""

    tenant: Tenant
    api_token: ApiToken
    totp_device: TOTPDevice
    journal_entry: JournalEntry
    group: Group
    access_attempt: AccessAttempt
    access_log: AccessLog
    access_failure_log: AccessFailureLog
    contract: Contract | None = None
    mediator: MediatorProfile | None = None
    rotation: Rotation | None = None
    shift: Shift | None = None
    absence: Absence | None = None
    replacement: Replacement | None = None
    shift_correction: ShiftCorrection | None = None
    interaction: Interaction | None = None
    beneficiary: Beneficiary | None = None
    visit: Visit | None = None
    workshop_rows: dict = field(default_factory=dict)
    task_result: DBTaskResult | None = None
    objective: Objective | None = None
    share_link: ShareLink | None = None
    export_job: ExportJob | None = None
    secrets: list[str] = field(default_factory=list)

    @property
    def admin(self) -> Membership:
        return self.tenant.members[Role.ADMIN]


# --- The registry ------------------------------------------------------------------------------------
# Every URL argument points at something of tenant B's. Keys: the URL's "namespace:name", or its route when
# it has no name. Values: a function of tenant B giving the URL's keyword arguments.

URL_KWARGS: dict[str, Callable[[TenantB], dict]] = {
    # accounts
    "accounts:api_token_revoke": lambda b: {"pk": b.api_token.pk},
    "accounts:member_deactivate": lambda b: {"pk": b.tenant.members[Role.MEDIATOR].pk},
    # A password-reset link for tenant B's administrator, with a token that was never sent to anyone.
    "accounts:password_reset_confirm": lambda b: {
        "uidb64": urlsafe_base64_encode(force_bytes(b.admin.user.pk)),
        "token": "cbx7q2-0123456789abcdef0123456789abcdef",
    },
    # territory
    "territory:site_detail": lambda b: {"pk": b.tenant.site.pk},
    # staffing: shifts and hours
    "staffing:shift_correct": lambda b: {"pk": b.shift.pk},
    "staffing:contract_shifts": lambda b: {"pk": b.contract.pk},
    "staffing:contract_hours": lambda b: {"pk": b.contract.pk},
    "api:get_contract": lambda b: {"id": b.contract.pk},
    "api:end_shift": lambda b: {"client_uuid": b.shift.client_uuid},
    "api:get_interaction": lambda b: {"id": b.interaction.pk},
    "api:patch_interaction": lambda b: {"id": b.interaction.pk},
    "api:put_interaction": lambda b: {"id": b.interaction.pk},
    "api:delete_interaction": lambda b: {"id": b.interaction.pk},
    "api:get_beneficiary": lambda b: {"id": b.beneficiary.pk},
    "api:create_visit": lambda b: {"site_id": b.tenant.site.pk},
    "api:call_next": lambda b: {"site_id": b.tenant.site.pk},
    "api:get_queue": lambda b: {"site_id": b.tenant.site.pk},
    "api:transition_visit": lambda b: {"id": b.visit.pk},
    # staffing: contracts, mediators, rotation plan, replacements, schedules
    "staffing:contract_detail": lambda b: {"pk": b.contract.pk},
    "staffing:contract_edit": lambda b: {"pk": b.contract.pk},
    "staffing:contract_planning": lambda b: {"pk": b.contract.pk},
    "staffing:rotation_check": lambda b: {"pk": b.contract.pk},
    "staffing:rotation_edit": lambda b: {"pk": b.contract.pk, "rotation_pk": b.rotation.pk},
    "staffing:rotation_delete": lambda b: {"pk": b.contract.pk, "rotation_pk": b.rotation.pk},
    "staffing:contract_replacements": lambda b: {"pk": b.contract.pk},
    "staffing:replacement_clear": lambda b: {"pk": b.contract.pk, "replacement_pk": b.replacement.pk},
    "staffing:mediator_detail": lambda b: {"pk": b.mediator.pk},
    "staffing:mediator_update": lambda b: {"pk": b.mediator.pk},
    "staffing:certification_create": lambda b: {"pk": b.mediator.pk},
    "staffing:absence_create": lambda b: {"pk": b.mediator.pk},
    "staffing:absence_delete": lambda b: {"pk": b.mediator.pk, "absence_pk": b.absence.pk},
    "staffing:mediator_schedule": lambda b: {"pk": b.mediator.pk},
    "staffing:mediator_schedule_ics": lambda b: {"pk": b.mediator.pk},
    "staffing:site_schedule": lambda b: {"pk": b.tenant.site.pk},
    "staffing:site_schedule_ics": lambda b: {"pk": b.tenant.site.pk},
    # mediation: the quick-record screen's edit, duplicate, delete and undo
    "mediation:interaction_edit": lambda b: {"pk": b.interaction.pk},
    "mediation:interaction_duplicate": lambda b: {"pk": b.interaction.pk},
    "mediation:interaction_delete": lambda b: {"pk": b.interaction.pk},
    "mediation:undo": lambda b: {"pk": b.interaction.pk},
    # mediation: followed beneficiaries
    "mediation:beneficiary_detail": lambda b: {"pk": b.beneficiary.pk},
    "mediation:beneficiary_edit": lambda b: {"pk": b.beneficiary.pk},
    "mediation:beneficiary_merge": lambda b: {"pk": b.beneficiary.pk},
    "mediation:beneficiary_anonymise": lambda b: {"pk": b.beneficiary.pk},
    # flow: the mediator's queue screen and its actions
    "flow:queue": lambda b: {"site_pk": b.tenant.site.pk},
    "flow:visit_add": lambda b: {"site_pk": b.tenant.site.pk},
    "flow:call_next": lambda b: {"site_pk": b.tenant.site.pk},
    "flow:reasons_edit": lambda b: {"site_pk": b.tenant.site.pk},
    "flow:visit_action": lambda b: {"pk": b.visit.pk, "action": "appeler"},
    # flow: the public board, its settings, the site's statistics
    "flow:board": lambda b: {"secret": "pas-le-bon-secret"},
    "flow:board_admin": lambda b: {"site_pk": b.tenant.site.pk},
    "flow:site_stats": lambda b: {"site_pk": b.tenant.site.pk},
    # workshops: the programme, sessions, catalogue, registrations, attendance, posters
    "workshops:session_detail": lambda b: {"pk": b.workshop_rows["session"].pk},
    "workshops:session_edit": lambda b: {"pk": b.workshop_rows["session"].pk},
    "workshops:session_cancel": lambda b: {"pk": b.workshop_rows["session"].pk},
    "workshops:session_register": lambda b: {"pk": b.workshop_rows["session"].pk},
    "workshops:attendance": lambda b: {"pk": b.workshop_rows["session"].pk},
    "workshops:attendance_mark": lambda b: {
        "pk": b.workshop_rows["session"].pk,
        "registration_pk": b.workshop_rows["registration"].pk,
    },
    "workshops:walk_in": lambda b: {"pk": b.workshop_rows["session"].pk},
    "workshops:extra_participants": lambda b: {"pk": b.workshop_rows["session"].pk},
    "workshops:session_close": lambda b: {"pk": b.workshop_rows["session"].pk},
    "workshops:workshop_detail": lambda b: {"pk": b.workshop_rows["workshop"].pk},
    "workshops:workshop_edit": lambda b: {"pk": b.workshop_rows["workshop"].pk},
    "workshops:pathway_edit": lambda b: {"pk": b.workshop_rows["pathway"].pk},
    "workshops:registration_cancel": lambda b: {"pk": b.workshop_rows["registration"].pk},
    "workshops:registration_confirm": lambda b: {"pk": b.workshop_rows["registration"].pk},
    "workshops:poster_site": lambda b: {"pk": b.tenant.site.pk},
    "workshops:poster_commune": lambda b: {"code": b.tenant.site.commune.code},
    # workshops: the public agenda, and a registrant's page with a token that was never given out
    "workshops:agenda_site": lambda b: {"pk": b.tenant.site.pk},
    "workshops:agenda_commune": lambda b: {"code": b.tenant.site.commune.code},
    "workshops:public_session": lambda b: {"pk": b.workshop_rows["session"].pk},
    "workshops:public_registration": lambda b: {"token": _forged_token(b)},
    "workshops:public_registration_ics": lambda b: {"token": _forged_token(b)},
    "api:get_workshop": lambda b: {"workshop_id": b.workshop_rows["workshop"].pk},
    "api:get_session": lambda b: {"session_id": b.workshop_rows["session"].pk},
    "api:list_registrations": lambda b: {"session_id": b.workshop_rows["session"].pk},
    "api:create_registration": lambda b: {"session_id": b.workshop_rows["session"].pk},
    "api:cancel_registration": lambda b: {"registration_id": b.workshop_rows["registration"].pk},
    "api:confirm_registration": lambda b: {"registration_id": b.workshop_rows["registration"].pk},
    "api:set_attendance": lambda b: {"registration_id": b.workshop_rows["registration"].pk},
    "api:add_walk_in": lambda b: {"session_id": b.workshop_rows["session"].pk},
    "api:set_extra_participants": lambda b: {"session_id": b.workshop_rows["session"].pk},
    "api:get_attendance": lambda b: {"session_id": b.workshop_rows["session"].pk},
    "api:close_session": lambda b: {"session_id": b.workshop_rows["session"].pk},
    # reporting: dashboards, the contract report, objectives, exports, share links
    "reporting:scope": lambda b: {"kind": "site", "pk": b.tenant.site.pk},
    "reporting:contract_report": lambda b: {"pk": b.contract.pk},
    "reporting:contract_report_pdf": lambda b: {"pk": b.contract.pk},
    "reporting:contract_report_xlsx": lambda b: {"pk": b.contract.pk},
    "reporting:contract_report_comment": lambda b: {"pk": b.contract.pk},
    "reporting:objective_delete": lambda b: {"pk": b.objective.pk},
    "reporting:export_download": lambda b: {"pk": b.export_job.pk},
    "reporting:share_revoke": lambda b: {"pk": b.share_link.pk},
    "reporting:share_page": lambda b: {"secret": "pas-le-bon-secret"},
    # The admin's pages other than a model's object pages (those come from ADMIN_OBJECTS).
    "admin:app_list": lambda b: {"app_label": "accounts"},
    "admin:view_on_site": lambda b: {
        "content_type_id": ContentType.objects.get_for_model(Site).pk,
        "object_id": b.tenant.site.pk,
    },
    "admin:auth_user_password_change": lambda b: {"id": b.admin.user.pk},
    "admin:otp_totp_totpdevice_config": lambda b: {"pk": b.totp_device.pk},
    "admin:otp_totp_totpdevice_qrcode": lambda b: {"pk": b.totp_device.pk},
    "admin/(?P<url>.*)$": lambda b: {"url": f"operateurs/{b.tenant.operator.pk}"},
}

#: For each model registered in the admin: tenant B's row its change, delete and history pages open.
ADMIN_OBJECTS: dict[str, Callable[[TenantB], object]] = {
    "auth.group": lambda b: b.group,
    "otp_totp.totpdevice": lambda b: b.totp_device,
    "axes.accessattempt": lambda b: b.access_attempt,
    "axes.accesslog": lambda b: b.access_log,
    "axes.accessfailurelog": lambda b: b.access_failure_log,
    "core.journalentry": lambda b: b.journal_entry,
    "accounts.user": lambda b: b.admin.user,
    "accounts.operator": lambda b: b.tenant.operator,
    "accounts.membership": lambda b: b.admin,
    "accounts.apitoken": lambda b: b.api_token,
    "territory.region": lambda b: b.tenant.departement.region,
    "territory.departement": lambda b: b.tenant.departement,
    "territory.commune": lambda b: b.tenant.site.commune,
    "territory.site": lambda b: b.tenant.site,
    "staffing.contract": lambda b: b.contract,
    "staffing.mediatorprofile": lambda b: b.mediator,
    "staffing.rotation": lambda b: b.rotation,
    "staffing.absence": lambda b: b.absence,
    "staffing.replacement": lambda b: b.replacement,
    "staffing.shift": lambda b: b.shift,
    "staffing.shiftcorrection": lambda b: b.shift_correction,
    "mediation.interaction": lambda b: b.interaction,
    "mediation.beneficiary": lambda b: b.beneficiary,
    "django_tasks_database.dbtaskresult": lambda b: b.task_result,
    "workshops.workshop": lambda b: b.workshop_rows["workshop"],
    "workshops.pathway": lambda b: b.workshop_rows["pathway"],
    "workshops.session": lambda b: b.workshop_rows["session"],
    "workshops.registration": lambda b: b.workshop_rows["registration"],
    "workshops.registrationmessage": lambda b: b.workshop_rows["message"],
}

#: Pages anyone may open without signing in. None may show an operator's data (the walk checks it).
PUBLIC = {
    "accounts:login": "the sign-in form",
    "accounts:password_reset": "asking for a password-reset e-mail",
    "accounts:password_reset_done": "« e-mail sent », whatever the address",
    "accounts:password_reset_confirm": "the link of that e-mail (with a wrong token: « link invalid »)",
    "accounts:password_reset_complete": "« password changed »",
    "core:design": "the component gallery, built from made-up data",
    "core:healthz": "the health check of the load balancer",
    "api:openapi-json": "the API's OpenAPI description",
    "api:openapi-view": "the API's documentation page",
    "flow:board": "the public queue screen: 404 without its secret",
    "workshops:agenda": "the public agenda's index: communes and offices with upcoming workshops",
    "workshops:agenda_site": "an office's public agenda: its published, upcoming sessions",
    "workshops:agenda_commune": "a commune's public agenda",
    "workshops:public_session": "a published session and its booking form (no account)",
    "workshops:public_registration": "a registrant's page behind a signed link: 404 without the signature",
    "workshops:public_registration_ics": "a registrant's calendar file: 404 without the signature",
    "reporting:share_page": "a share link's read-only statistics: 404 without its secret",
}

#: What a public page shows of tenant B on purpose, removed from the page before looking for leaks:
#: the public agenda announces an operator's published sessions at an office, under the office's name
#: (La Poste's open data) — never who registered, who facilitates or who the operator is otherwise.
PUBLIC_SHOWS: dict[str, Callable[[TenantB], list[str]]] = {
    name: (lambda b: [b.tenant.site.name])
    for name in (
        "workshops:agenda",
        "workshops:agenda_site",
        "workshops:agenda_commune",
        "workshops:public_session",
    )
}

# Rows tenant B owns that no ScopedQuerySet reaches; the walk checks that none of them changes.
_TENANT_B_UNSCOPED_ROWS: dict[str, Callable[[TenantB], object]] = {
    "accounts.user": lambda b: User.objects.filter(memberships__operator=b.tenant.operator),
    "accounts.apitoken": lambda b: ApiToken.objects.filter(membership__operator=b.tenant.operator),
    "otp_totp.totpdevice": lambda b: TOTPDevice.objects.filter(user__memberships__operator=b.tenant.operator),
    "territory.departement": lambda b: Departement.objects.filter(pk=b.tenant.departement.pk),
    "territory.commune": lambda b: Commune.objects.filter(departement=b.tenant.departement),
    "territory.region": lambda b: Region.objects.filter(departements=b.tenant.departement),
    "staffing.contractsite": lambda b: ContractSite.objects.filter(contract__operator=b.tenant.operator),
    "staffing.certification": lambda b: Certification.objects.filter(mediator__operator=b.tenant.operator),
    "staffing.shiftcorrection": lambda b: ShiftCorrection.objects.filter(shift__operator=b.tenant.operator),
    "mediation.interactiontheme": lambda b: InteractionTheme.objects.filter(
        interaction__operator=b.tenant.operator
    ),
    "mediation.accompaniment": lambda b: Accompaniment.objects.filter(
        interaction__operator=b.tenant.operator
    ),
    "flow.sitereason": lambda b: SiteReason.objects.filter(site=b.tenant.site),
    "flow.board": lambda b: Board.objects.filter(site=b.tenant.site),
    "flow.ticketcounter": lambda b: TicketCounter.objects.filter(site=b.tenant.site),
    "flow.visitreason": lambda b: VisitReason.objects.filter(visit__operator=b.tenant.operator),
    "flow.visitevent": lambda b: VisitEvent.objects.filter(visit__operator=b.tenant.operator),
    "workshops.workshoptheme": lambda b: WorkshopTheme.objects.filter(workshop__operator=b.tenant.operator),
    "workshops.pathwaystep": lambda b: PathwayStep.objects.filter(pathway__operator=b.tenant.operator),
    "workshops.extraparticipants": lambda b: ExtraParticipants.objects.filter(
        session__operator=b.tenant.operator
    ),
    "workshops.registrationmessage": lambda b: RegistrationMessage.objects.filter(
        registration__operator=b.tenant.operator
    ),
    "reporting.exportjob": lambda b: ExportJob.objects.filter(membership__operator=b.tenant.operator),
    "reporting.reportcomment": lambda b: ReportComment.objects.filter(contract__operator=b.tenant.operator),
}


# --- Enumerating the URLs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    route: str
    name: str | None
    kwargs: tuple[str, ...]

    @property
    def label(self) -> str:
        return repr(self.name or self.route)

    @property
    def key(self) -> str:
        return self.name or self.route

    @property
    def is_public(self) -> bool:
        return self.key in PUBLIC


def _pattern_kwargs(pattern) -> list[str]:
    if isinstance(pattern, RegexPattern):
        return list(pattern.regex.groupindex)
    return list(pattern.converters)


def _join(route: str, sub: str) -> str:
    """Joins routes the way Django's resolver reports them in `ResolverMatch.route`."""
    return sub if not route else route + sub.removeprefix("^")


def _walk(patterns, route="", namespace="", kwargs=()) -> list[Endpoint]:
    found = []
    for entry in patterns:
        here = _join(route, str(entry.pattern))
        names = (*kwargs, *_pattern_kwargs(entry.pattern))
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace or "") if part)
            found += _walk(entry.url_patterns, here, inner, names)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            found.append(Endpoint(route=here, name=name, kwargs=names))
    return found


def endpoints() -> list[Endpoint]:
    return _walk(get_resolver().url_patterns)


def _admin_route() -> str:
    return reverse("admin:index").removeprefix("/")


@cache
def _admin_object_pages() -> dict[str, str]:
    """Names and routes of every admin object page, mapped to the label of the model they show."""
    pages = {}
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        for suffix in ("change", "delete", "history"):
            pages[f"{admin.site.name}:{info[0]}_{info[1]}_{suffix}"] = model._meta.label_lower
        pages[f"{_admin_route()}{info[0]}/{info[1]}/<path:object_id>/"] = model._meta.label_lower
    return pages


def _kwargs_provider(endpoint: Endpoint) -> Callable[[TenantB], dict] | None:
    for key in (endpoint.name, endpoint.route):
        if key in URL_KWARGS:
            return URL_KWARGS[key]
    pages = _admin_object_pages()
    model_label = pages.get(endpoint.name) or pages.get(endpoint.route)
    if model_label in ADMIN_OBJECTS:
        return lambda b: {"object_id": ADMIN_OBJECTS[model_label](b).pk}
    return None


_GROUP = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>(?:[^()\\]|\\.)*\)")


def build_url(endpoint: Endpoint, tenant_b: TenantB | None) -> str:
    values = _kwargs_provider(endpoint)(tenant_b) if endpoint.kwargs else {}
    path = _GROUP.sub(lambda m: str(values[m.group(1) or m.group(2)]), endpoint.route)
    return "/" + path.replace("^", "").replace("$", "")


# --- Tenant B's world, its identifying strings, its rows ----------------------------------------------


@pytest.fixture
def b(tenant_b) -> TenantB:
    # Distinctive names, so that finding one in a page can only mean tenant B's data leaked.
    for role, membership in tenant_b.members.items():
        user = membership.user
        user.email = f"{role}.secret@operateur-b.test"
        user.first_name, user.last_name = "Bérangère", f"Zorbeck-{role}"
        user.save()
    site = tenant_b.site
    site.identifier = "B-SECRET-0001"
    site.save()
    token, raw = api_token_create(
        actor=tenant_b.members[Role.ADMIN].user,
        membership=tenant_b.members[Role.ADMIN],
        name="Jeton-Zorbeck",
    )
    admin_user = tenant_b.members[Role.ADMIN].user
    device = TOTPDevice.objects.create(user=admin_user, name="Téléphone Zorbeck", confirmed=True)
    access = {
        "user_agent": "test",
        "ip_address": "192.0.2.92",
        "username": admin_user.email,
        "http_accept": "*/*",
        "path_info": "/connexion/",
    }
    world = TenantB(
        tenant=tenant_b,
        api_token=token,
        totp_device=device,
        journal_entry=JournalEntry.objects.filter(operator=tenant_b.operator).first(),
        group=Group.objects.create(name="Groupe Zorbeck"),
        access_attempt=AccessAttempt.objects.create(
            **access, get_data="", post_data="", failures_since_start=1
        ),
        access_log=AccessLog.objects.create(**access),
        access_failure_log=AccessFailureLog.objects.create(**access),
        **_staffing_of(tenant_b),
    )
    world.interaction, world.beneficiary = _mediation_of(world)
    world.visit = _flow_of(world)
    world.workshop_rows = _workshops_of(world)
    world.task_result = DBTaskResult.objects.create(
        task_path="tremplin.core.tests.zorbeck_task",
        args_kwargs={"args": [], "kwargs": {"operator": tenant_b.operator.pk}},
        backend_name="default",
        run_after=datetime(2030, 1, 1, tzinfo=ZoneInfo("UTC")),
    )
    _reporting_of(world)
    world.secrets = [
        world.contract.reference,
        tenant_b.operator.name,
        site.name,
        site.identifier,
        token.name,
        token.prefix,
        raw,
        *(m.user.email for m in tenant_b.members.values()),
        *(m.user.last_name for m in tenant_b.members.values()),
        world.beneficiary.display_name,
        world.interaction.notes,
        world.visit.first_name,
        world.tenant.site.flow_board.secret,
        world.workshop_rows["registration"].first_name,
        world.workshop_rows["registration"].email,
        registration_token(world.workshop_rows["registration"]),
        world.objective.name,
        world.share_link.secret,
        world.share_link.label,
        "Commentaire-Zorbeck",
    ]
    return world


def _forged_token(b: TenantB) -> str:
    """Tenant B's registration's number with a signature that is not ours."""
    return f"{b.workshop_rows['registration'].pk}:pas-la-bonne-signature"


def _workshops_of(world: TenantB) -> dict:
    """Tenant B's catalogue entry, a pathway, a published session in ten days at its site, booked by
    a member of the public with a first name and an e-mail only tenant B knows, and its message."""
    tenant, mediator = world.tenant, world.mediator
    operator_id = tenant.operator.pk
    entries = [
        workshops_services.workshop_save(
            actor=None,
            operator_id=operator_id,
            themes=["email"],
            title=title,
            description="Atelier de démonstration.",
            level="debutant",
            duration_minutes=90,
            max_participants=8,
        )
        for title in ("Atelier numérique B", "Atelier numérique B, suite")
    ]
    pathway = workshops_services.pathway_save(
        actor=None, operator_id=operator_id, title="Parcours B", description="", workshops=entries
    )
    day = timezone.localdate() + timedelta(days=10)
    (session,) = workshops_services.session_schedule(
        actor=None,
        operator_id=operator_id,
        data=workshops_services.SessionData(
            workshop=entries[0],
            starts_at=timezone.make_aware(datetime.combine(day, time(14))),
            site=tenant.site,
            capacity=4,
            facilitators=[mediator],
        ),
    )
    registration, _created = workshops_services.registration_create(
        actor=None,
        session=session,
        source=Registration.Source.PUBLIC,
        first_name="Zorbeckette",
        email="zorbeckette@operateur-b.test",
        consent=True,
    )
    ExtraParticipants.objects.create(session=session, count=1)
    return {
        "workshop": entries[0],
        "pathway": pathway,
        "session": session,
        "registration": registration,
        "message": RegistrationMessage.objects.filter(registration=registration).first(),
    }


def _reporting_of(world: TenantB) -> None:
    """An objective, a share link, an export and a report comment of tenant B."""
    admin, coordinator = world.tenant.members[Role.ADMIN], world.tenant.members[Role.COORDINATOR]
    world.objective = reporting_services.objective_create(
        actor=admin.user,
        operator_id=world.tenant.operator.pk,
        name="Objectif-Zorbeck",
        metric="people",
        scope_kind="operator",
        scope_id=world.tenant.operator.pk,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        target=500,
    )
    march = Period(date(2026, 3, 1), date(2026, 3, 1))
    world.share_link = reporting_services.share_link_create(
        actor=coordinator.user,
        membership=coordinator,
        label="Partage-Zorbeck",
        scope_kind="contract",
        scope_id=world.contract.pk,
        period=march,
    )
    world.export_job = ExportJob.objects.create(
        requester=coordinator.user,
        membership=coordinator,
        table="interactions",
        export_format="csv",
        params={"kind": "nation", "id": None, "first": "2026-03-01", "last": "2026-03-01"},
        status=ExportJob.Status.READY,
        file_name="zorbeck.csv",
    )
    reporting_services.report_comment_save(
        actor=coordinator.user, contract=world.contract, period=march, text="Commentaire-Zorbeck"
    )


def _flow_of(world: TenantB) -> Visit:
    """A visit in tenant B's queue, called by a first name only tenant B knows, and its public board."""
    flow_services.board_rotate(actor=None, site=world.tenant.site)
    visit, _created = flow_services.visit_create(
        actor=None,
        operator=world.tenant.operator,
        site=world.tenant.site,
        reasons=["banking"],
        first_name="Zorbeckine",
    )
    return visit


def _mediation_of(world: TenantB) -> tuple[Interaction, Beneficiary]:
    """A followed beneficiary of tenant B (consent for the whole structure) helped in one interaction."""
    mediator, shift = world.mediator, world.shift
    beneficiary = mediation_services.beneficiary_create(
        actor=mediator.user,
        mediator=mediator,
        consent_given=True,
        display_name="Zéphyrine Zorbeck",
        birth_year=1950,
        consent_scope=Beneficiary.ConsentScope.STRUCTURE,
    )
    interaction, _created = mediation_services.interaction_record(
        actor=mediator.user,
        mediator=mediator,
        data=mediation_services.InteractionData(
            kind="individual_accompaniment",
            site=shift.site,
            shift=shift,
            started_at=shift.started_at,
            duration_minutes=25,
            themes=["email"],
            notes="Note-Zorbeck-confidentielle",
            people=[mediation_services.Person(beneficiary=beneficiary)],
        ),
    )
    return interaction, beneficiary


def _staffing_of(tenant: Tenant) -> dict:
    """Tenant B's contract (with its own client), its mediator, a planned presence and a worked shift."""
    from tremplin.accounts.tests.factories import OperatorFactory

    contract = ContractFactory(
        operator=tenant.operator, client=OperatorFactory(name="Client de B"), reference="B-CTR-ZORBECK"
    )
    ContractSiteFactory(contract=contract, site=tenant.site)
    mediator = MediatorProfile.objects.create(
        user=tenant.members[Role.MEDIATOR].user, operator=tenant.operator
    )
    rotation = RotationFactory(contract=contract, mediator=mediator, site=tenant.site)
    paris = ZoneInfo("Europe/Paris")
    shift = staffing_services.shift_start(
        actor=None,
        mediator=mediator,
        site=tenant.site,
        rotation=rotation,
        at=datetime(2026, 3, 9, 9, 0, tzinfo=paris),
    )
    shift = staffing_services.shift_end(actor=None, shift=shift, at=datetime(2026, 3, 9, 12, 0, tzinfo=paris))
    return {
        "contract": contract,
        "mediator": mediator,
        "rotation": rotation,
        "shift": shift,
        **_planning_rows_of(mediator, rotation, shift),
    }


def _planning_rows_of(mediator, rotation, shift) -> dict:
    """An absence, the cancelled presence it caused, a training, and a correction of the shift."""
    paris = ZoneInfo("Europe/Paris")
    absence = Absence.objects.create(
        mediator=mediator, starts_on=date(2026, 3, 16), ends_on=date(2026, 3, 20), reason=Absence.Reason.LEAVE
    )
    replacement = Replacement.objects.create(rotation=rotation, date=date(2026, 3, 16), replacement=None)
    Certification.objects.create(
        mediator=mediator, name="Certification Zorbeck", obtained_on=date(2025, 6, 1)
    )
    correction = ShiftCorrection.objects.create(
        shift=shift,
        corrected_by=mediator.user,
        previous_started_at=shift.started_at,
        previous_ended_at=shift.ended_at,
        started_at=shift.started_at,
        ended_at=datetime(2026, 3, 9, 12, 30, tzinfo=paris),
        reason="Correction Zorbeck",
    )
    return {"absence": absence, "replacement": replacement, "shift_correction": correction}


def tenant_b_rows(b: TenantB) -> dict[str, list[dict]]:
    """Every row tenant B owns: what its administrator's viewer reaches, and the rows listed above."""
    viewer = viewer_for_membership(b.admin.user, b.admin)
    rows = {}
    for model in apps.get_models():
        queryset = model._default_manager.all()
        if isinstance(queryset, ScopedQuerySet):
            queryset = queryset.visible_to(viewer)
        elif model._meta.label_lower in _TENANT_B_UNSCOPED_ROWS:
            queryset = _TENANT_B_UNSCOPED_ROWS[model._meta.label_lower](b)
        else:
            continue
        rows[model._meta.label_lower] = list(queryset.order_by("pk").values())
    return rows


# --- Judging one answer -------------------------------------------------------------------------------


def _is_sign_in_redirect(response) -> bool:
    if response.status_code not in (301, 302):
        return False
    target = response["Location"].split("?")[0]
    return target in (reverse("accounts:login"), reverse("admin:login"))


def verdict(
    endpoint: Endpoint, response, *, signed_in: bool, secrets: list[str], shown_on_purpose: list[str] = ()
) -> str | None:
    """What is wrong with this answer, or None."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    shown = body.decode(errors="replace") + response.get("Location", "")
    for text in shown_on_purpose:
        shown = shown.replace(text, "")
    leaked = [secret for secret in secrets if secret in shown]
    if leaked:
        return f"shows tenant B's data: {leaked}"
    if endpoint.is_public:
        return None
    refused = status in (401, 403, 404, 405) or _is_sign_in_redirect(response)
    if endpoint.route.startswith(_admin_route()):
        # The Django admin is for platform staff only, and nobody in the walk is staff.
        if refused or response.get("Location") == reverse("admin:index"):
            return None
        return f"answered {status} in the Django admin to someone who is not staff"
    if endpoint.kwargs:
        if refused:
            return None
        return f"answered {status} about tenant B's object (expected sign-in, 401, 403, 404 or 405)"
    if not signed_in and status == 200:
        return "answered 200 to an anonymous visitor: if this page is meant to be public, add it to PUBLIC"
    return None


def walk(client_for: Callable[[], Client], who: str, b: TenantB, *, signed_in=True, only=None) -> list[str]:
    """GET and empty-body POST on every URL; returns the problems found, one line each."""
    problems = []
    client = client_for()
    session_key = client.cookies.get(settings.SESSION_COOKIE_NAME)
    for endpoint in endpoints():
        if only is not None and not only(endpoint):
            continue
        if endpoint.kwargs and _kwargs_provider(endpoint) is None:
            problems.append(
                f"{endpoint.label}: not walked, its arguments are not registered (add it to URL_KWARGS)"
            )
            continue
        url = build_url(endpoint, b)
        on_purpose = PUBLIC_SHOWS[endpoint.key](b) if endpoint.key in PUBLIC_SHOWS else []
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            problem = verdict(
                endpoint, response, signed_in=signed_in, secrets=b.secrets, shown_on_purpose=on_purpose
            )
            if problem:
                problems.append(f"{who} {method.upper()} {url} ({endpoint.label}): {problem}")
            if client.cookies.get(settings.SESSION_COOKIE_NAME) != session_key:
                # That request signed the user out (e.g. « Se déconnecter »): sign back in.
                client = client_for()
                session_key = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return problems


# --- The tests ----------------------------------------------------------------------------------------


def test_every_url_argument_points_at_tenant_b(b):
    unregistered, misrouted = [], []
    for endpoint in endpoints():
        if endpoint.kwargs and _kwargs_provider(endpoint) is None:
            model = _admin_object_pages().get(endpoint.name or endpoint.route)
            where = f"ADMIN_OBJECTS[{model!r}]" if model else f"URL_KWARGS[{endpoint.key!r}]"
            unregistered.append(
                f"{endpoint.label} takes {list(endpoint.kwargs)}: add {where} in "
                f"tremplin/core/tests/test_tenancy_walk.py, pointing at tenant B's object"
            )
            continue
        url = build_url(endpoint, b)
        match = resolve(url)
        if match.route != endpoint.route:
            misrouted.append(f"{endpoint.label}: {url} reaches {match.route!r}")
    assert not unregistered, "URLs the tenancy walk cannot aim at tenant B:\n" + "\n".join(unregistered)
    assert not misrouted, "URLs built for the walk reach another view:\n" + "\n".join(misrouted)


def test_the_registry_names_only_existing_urls_and_models():
    known = {key for e in endpoints() for key in (e.name, e.route) if key}
    assert not set(URL_KWARGS) - known, "stale URL_KWARGS entries"
    assert not set(PUBLIC) - known, "stale PUBLIC entries"
    assert set(PUBLIC_SHOWS) <= set(PUBLIC), "PUBLIC_SHOWS names only public pages"
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert set(ADMIN_OBJECTS) == registered, "ADMIN_OBJECTS must name exactly the admin's models"


def test_the_walk_covers_the_admin_the_api_and_the_pages():
    routes = {e.route for e in endpoints()}
    assert "admin/territory/site/<path:object_id>/change/" in routes
    assert "api/v1/sites" in routes
    assert "sites/<int:pk>/" in routes
    assert "journal/" in routes


@pytest.mark.parametrize("role", ROLES)
def test_no_member_of_tenant_a_reaches_tenant_b(tenant_a, b, role):
    before = tenant_b_rows(b)
    problems = walk(lambda: tenant_a.client(role), f"{role} of A", b)
    assert not problems, "\n".join(problems)
    assert tenant_b_rows(b) == before, f"requests of A's {role} changed tenant B's rows"


def test_a_member_without_any_membership_reaches_nothing(b):
    user = UserFactory()
    before = tenant_b_rows(b)
    problems = walk(lambda: verified_client(user), "user without membership", b)
    assert not problems, "\n".join(problems)
    assert tenant_b_rows(b) == before


def test_anonymous_visitors_reach_only_public_pages_and_they_show_no_data(tenant_a, b):
    a_secrets = [tenant_a.operator.name, tenant_a.site.name] + [
        m.user.email for m in tenant_a.members.values()
    ]
    b.secrets += a_secrets
    before = tenant_b_rows(b)
    problems = walk(Client, "anonymous", b, signed_in=False)
    assert not problems, "\n".join(problems)
    assert tenant_b_rows(b) == before


@pytest.mark.parametrize("role", ROLES)
def test_api_tokens_of_tenant_a_never_return_tenant_b_rows(tenant_a, b, role):
    _token, raw = api_token_create(
        actor=tenant_a.members[role].user, membership=tenant_a.members[role], name="walk"
    )
    api_root = reverse("api:api-root")
    before = tenant_b_rows(b)
    problems = walk(
        lambda: Client(headers={"authorization": f"Bearer {raw}"}),
        f"API token of A's {role}",
        b,
        only=lambda e: ("/" + e.route).startswith(api_root),
    )
    assert not problems, "\n".join(problems)
    assert tenant_b_rows(b) == before
    listed = Client(headers={"authorization": f"Bearer {raw}"}).get(reverse("api:list_sites"))
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == [tenant_a.site.pk]


def test_the_walk_sees_a_leak_when_there_is_one(b):
    """Tenant B's own members do see B's data: the strings and URLs the walk uses are the right ones."""
    coordinator = b.tenant.client(Role.COORDINATOR)
    detail = next(e for e in endpoints() if e.name == "territory:site_detail")
    response = coordinator.get(build_url(detail, b))
    assert response.status_code == 200
    assert verdict(detail, response, signed_in=True, secrets=b.secrets).startswith("shows")
    home = b.tenant.client(Role.ADMIN).get("/")
    assert b.tenant.members[Role.MEDIATOR].user.email in home.content.decode()
    assert b.tenant.operator.name in home.content.decode()
