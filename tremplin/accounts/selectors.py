from django.conf import settings

from tremplin.core.roles import Role
from tremplin.core.tenancy import ANONYMOUS, Viewer

from .models import ApiToken, Membership, hash_token

SESSION_MEMBERSHIP_KEY = "tremplin_membership_id"


def memberships_of(user):
    return (
        Membership.objects.filter(user=user, is_active=True, operator__is_active=True)
        .select_related("operator")
        .order_by("id")
    )


def viewer_for_membership(user, membership: Membership | None) -> Viewer:
    if membership is None:
        return Viewer(user_id=user.pk, is_platform_admin=user.is_superuser)
    if membership.role == Role.FUNDER:
        departement_ids = frozenset(membership.departements.values_list("id", flat=True))
    else:
        departement_ids = frozenset(membership.operator.departements.values_list("id", flat=True))
    return Viewer(
        user_id=user.pk,
        membership_id=membership.pk,
        operator_id=membership.operator_id,
        role=membership.role,
        is_national=membership.is_national,
        departement_ids=departement_ids,
        is_platform_admin=user.is_superuser,
    )


def active_membership(user, session) -> Membership | None:
    memberships = list(memberships_of(user))
    wanted = session.get(SESSION_MEMBERSHIP_KEY)
    for membership in memberships:
        if membership.pk == wanted:
            return membership
    return memberships[0] if memberships else None


def viewer_for_session(user, session) -> Viewer:
    if not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    return viewer_for_membership(user, active_membership(user, session))


def api_token_lookup(raw: str) -> ApiToken | None:
    return (
        ApiToken.objects.filter(
            key_hash=hash_token(raw),
            revoked_at__isnull=True,
            membership__is_active=True,
            membership__user__is_active=True,
            membership__operator__is_active=True,
        )
        .select_related("membership__user", "membership__operator")
        .first()
    )


def api_tokens_of(user):
    return ApiToken.objects.filter(membership__user=user).select_related("membership__operator")


def second_factor_required(user) -> bool:
    """Staff, and anyone holding a role listed in TREMPLIN_SECOND_FACTOR_ROLES, must use TOTP."""
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user, is_active=True, role__in=settings.TREMPLIN_SECOND_FACTOR_ROLES
    ).exists()


def has_second_factor(user) -> bool:
    from django_otp import devices_for_user

    return any(True for _ in devices_for_user(user, confirmed=True))


def members_of_operator(viewer: Viewer):
    """The people of the viewer's operator, for its coordinators and administrators."""
    if not (viewer.is_(Role.ADMIN, Role.COORDINATOR) or viewer.is_platform_admin):
        return Membership.objects.none()
    return (
        Membership.objects.visible_to(viewer)
        .filter(is_active=True)
        .select_related("user", "operator")
        .order_by("role", "user__last_name", "user__first_name")
    )
