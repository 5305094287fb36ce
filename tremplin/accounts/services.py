import secrets

from django.db import transaction
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from tremplin.core.services import journal_record

from .models import ApiToken, Membership, Operator, User, hash_token

TOTP_DEVICE_NAME = "Application d'authentification"


@transaction.atomic
def operator_create(*, actor=None, name: str, kind: str, siret: str = "", departements=()):
    operator = Operator.objects.create(name=name, kind=kind, siret=siret)
    operator.departements.set(departements)
    journal_record(action="accounts.operator.created", actor=actor, operator=operator, obj=operator)
    return operator


@transaction.atomic
def user_create(
    *, actor=None, email: str, password: str | None, first_name: str = "", last_name: str = ""
) -> User:
    user = User.objects.create_user(
        email=email, password=password, first_name=first_name, last_name=last_name
    )
    journal_record(action="accounts.user.created", actor=actor, obj=user)
    return user


@transaction.atomic
def membership_create(
    *,
    actor=None,
    user: User,
    operator: Operator,
    role: str,
    is_national: bool = False,
    departements=(),
) -> Membership:
    membership = Membership.objects.create(user=user, operator=operator, role=role, is_national=is_national)
    membership.departements.set(departements)
    journal_record(
        action="accounts.membership.created",
        actor=actor,
        operator=operator,
        obj=membership,
        payload={"user_id": user.pk, "role": role, "is_national": is_national},
    )
    return membership


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The unconfirmed device shown during enrolment; reused so a reload keeps the same QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, request, device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    otp_login(request, device)
    journal_record(
        action="accounts.second_factor.enrolled",
        actor=device.user,
        obj=device.user,
        payload={"device_id": device.pk},
    )
    return True


@transaction.atomic
def totp_devices_remove(*, actor: User, user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    journal_record(action="accounts.second_factor.removed", actor=actor, obj=user)


@transaction.atomic
def api_token_create(*, actor: User, membership: Membership, name: str) -> tuple[ApiToken, str]:
    """Returns the token and its secret, which is shown once and never stored."""
    raw = "trm_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        membership=membership, name=name, prefix=raw[:10], key_hash=hash_token(raw)
    )
    journal_record(
        action="accounts.api_token.created",
        actor=actor,
        operator=membership.operator,
        obj=token,
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    journal_record(
        action="accounts.api_token.revoked",
        actor=actor,
        operator=token.membership.operator,
        obj=token,
    )


def api_token_touch(*, token: ApiToken) -> None:
    """Records the last use, at most once a minute to keep reads cheap."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


@transaction.atomic
def member_invite(
    *,
    actor: User,
    operator: Operator,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    departements=(),
    request=None,
) -> Membership:
    """Adds a person to an operator with a role; a new account gets an e-mail to choose its password."""
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    is_new = user is None
    if is_new:
        user = user_create(
            actor=actor, email=email, password=None, first_name=first_name, last_name=last_name
        )
    membership = Membership.objects.filter(user=user, operator=operator, role=role).first()
    if membership is not None:
        membership.is_active = True
        membership.save(update_fields=["is_active", "updated_at"])
        membership.departements.set(departements)
        journal_record(
            action="accounts.membership.reactivated", actor=actor, operator=operator, obj=membership
        )
    else:
        membership = membership_create(
            actor=actor, user=user, operator=operator, role=role, departements=departements
        )
    if is_new:
        transaction.on_commit(lambda: _send_invitation(user=user, operator=operator, request=request))
    return membership


def _send_invitation(*, user: User, operator: Operator, request) -> None:
    """The password-reset link, worded as an invitation (Django's reset form skips unusable passwords)."""
    from django.conf import settings
    from django.contrib.auth.tokens import default_token_generator
    from django.contrib.sites.shortcuts import get_current_site
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    context = {
        "email": user.email,
        "operator": operator.name,
        "domain": get_current_site(request).domain if request else settings.ALLOWED_HOSTS[0],
        "protocol": "https" if (request and request.is_secure()) or settings.PRODUCTION else "http",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
    body = render_to_string("accounts/email/invitation.txt", context)
    send_mail(subject, body, None, [user.email])


@transaction.atomic
def membership_deactivate(*, actor: User, membership: Membership) -> None:
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    ApiToken.objects.filter(membership=membership, revoked_at__isnull=True).update(revoked_at=timezone.now())
    journal_record(
        action="accounts.membership.deactivated",
        actor=actor,
        operator=membership.operator,
        obj=membership,
    )
