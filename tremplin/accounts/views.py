import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token

from tremplin.core.roles import Role
from tremplin.core.services import journal_record

from . import selectors, services
from .forms import (
    ApiTokenForm,
    FrenchPasswordResetForm,
    FrenchSetPasswordForm,
    MemberInviteForm,
    SignInForm,
    TokenForm,
)
from .models import Operator


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    form_class = FrenchPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = FrenchSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def _next_url(request, default="core:home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


@login_required
def second_factor_verify(request):
    if request.user.is_verified():
        return HttpResponseRedirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request))
        form.add_error(
            "token",
            _("Ce code n'est pas valable. Attendez le code suivant et réessayez."),
        )
    return render(request, "accounts/second_factor_verify.html", {"form": form, "next": _next_url(request)})


@login_required
def second_factor_enrol(request):
    if request.user.is_verified():
        messages.info(request, _("La double authentification est déjà active sur ce compte."))
        return redirect("accounts:security")
    device = services.totp_device_pending(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_device_confirm(request=request, device=device, token=form.cleaned_data["token"]):
            messages.success(request, _("Double authentification activée."))
            return HttpResponseRedirect(_next_url(request))
        form.add_error(
            "token",
            _(
                "Ce code n'est pas valable. Vérifiez que l'heure de votre téléphone est juste "
                "et saisissez le code affiché maintenant."
            ),
        )
    url = device.config_url
    qr_svg = segno.make(url, error="m").svg_inline(scale=5, dark="#1b1b1b", light="#ffffff")
    secret = _base32_secret(device)
    return render(
        request,
        "accounts/second_factor_enrol.html",
        {
            "form": form,
            "qr_svg": qr_svg,
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "next": _next_url(request),
        },
    )


def _base32_secret(device) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode().rstrip("=")


@login_required
def security(request):
    return render(
        request,
        "accounts/security.html",
        {
            "has_second_factor": selectors.has_second_factor(request.user),
            "second_factor_required": selectors.second_factor_required(request.user),
        },
    )


@login_required
@require_POST
def second_factor_remove(request):
    if selectors.second_factor_required(request.user):
        messages.error(request, _("Votre rôle impose la double authentification."))
    else:
        services.totp_devices_remove(actor=request.user, user=request.user)
        messages.success(request, _("Double authentification désactivée."))
    return redirect("accounts:security")


@login_required
@require_POST
def switch_membership(request):
    wanted = request.POST.get("membership")
    for membership in selectors.memberships_of(request.user):
        if str(membership.pk) == wanted:
            request.session[selectors.SESSION_MEMBERSHIP_KEY] = membership.pk
            journal_record(
                action="accounts.membership.switched",
                actor=request.user,
                operator=membership.operator,
                obj=membership,
            )
            return redirect("core:home")
    messages.error(request, _("Ce rattachement n'existe pas ou n'est plus actif."))
    return redirect("core:home")


@login_required
def api_tokens(request):
    memberships = list(selectors.memberships_of(request.user))
    form = ApiTokenForm(request.POST or None, memberships=memberships)
    created_secret = None
    if request.method == "POST" and form.is_valid():
        _token, created_secret = services.api_token_create(
            actor=request.user,
            membership=form.cleaned_data["membership"],
            name=form.cleaned_data["name"],
        )
        form = ApiTokenForm(memberships=memberships)
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "tokens": selectors.api_tokens_of(request.user),
            "created_secret": created_secret,
        },
    )


@login_required
@require_POST
def api_token_revoke(request, pk: int):
    token = get_object_or_404(selectors.api_tokens_of(request.user), pk=pk, revoked_at__isnull=True)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("Jeton révoqué : il ne permet plus d'accéder à l'API."))
    return redirect("accounts:api_tokens")


def _require_operator_admin(request):
    if not request.viewer.is_(Role.ADMIN):
        raise PermissionDenied


@login_required
def members(request):
    _require_operator_admin(request)
    operator = get_object_or_404(Operator.objects.visible_to(request.viewer), pk=request.viewer.operator_id)
    form = MemberInviteForm(request.POST or None, operator=operator)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.member_invite(
            actor=request.user,
            operator=operator,
            email=data["email"],
            role=data["role"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            departements=data["departements"],
            request=request,
        )
        messages.success(
            request,
            _(
                "%(email)s a été ajouté(e). S'il s'agit d'un nouveau compte, "
                "un e-mail l'invite à choisir son mot de passe."
            )
            % {"email": data["email"]},
        )
        return redirect("accounts:members")
    return render(
        request,
        "accounts/members.html",
        {
            "form": form,
            "members": selectors.members_of_operator(request.viewer),
            "operator": operator,
        },
    )


@login_required
@require_POST
def member_deactivate(request, pk: int):
    _require_operator_admin(request)
    membership = get_object_or_404(selectors.members_of_operator(request.viewer), pk=pk)
    if membership.user_id == request.user.pk:
        messages.error(request, _("Vous ne pouvez pas retirer votre propre rattachement."))
    else:
        services.membership_deactivate(actor=request.user, membership=membership)
        messages.success(
            request,
            _("Rattachement retiré : cette personne n'a plus accès aux données de la structure."),
        )
    return redirect("accounts:members")
