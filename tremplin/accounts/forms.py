from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse e-mail"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "Adresse e-mail ou mot de passe incorrect. Vérifiez-les et réessayez "
            "(après 5 essais, le compte est bloqué 15 minutes)."
        ),
        "inactive": _("Ce compte est désactivé. Contactez votre coordinateur."),
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code à 6 chiffres"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]{6}",
                "autofocus": True,
            }
        ),
        help_text=_("Le code affiché par votre application d'authentification."),
    )

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(_("Le code ne contient que des chiffres."))
        return token


class FrenchPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class FrenchSetPasswordForm(SetPasswordForm):
    pass


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=100,
        help_text=_("Pour le reconnaître plus tard, par exemple « Export tableur »."),
    )
    membership = forms.TypedChoiceField(label=_("Rattachement"), coerce=int)

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].choices = [(m.pk, str(m)) for m in memberships]
        self._memberships = {m.pk: m for m in memberships}

    def clean_membership(self):
        return self._memberships[self.cleaned_data["membership"]]


class MemberInviteForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail"))
    first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Rôle"))
    departements = forms.ModelMultipleChoiceField(
        label=_("Départements suivis (financeurs)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Pour un financeur : le territoire dont il lit les chiffres."),
    )

    def __init__(self, *args, operator, **kwargs):
        from tremplin.core.roles import Role

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = Role.choices
        self.fields["departements"].queryset = operator.departements.order_by("code")

    def clean(self):
        from tremplin.core.roles import Role

        data = super().clean()
        if data.get("role") == Role.FUNDER and not data.get("departements"):
            self.add_error("departements", _("Choisissez au moins un département pour un financeur."))
        if data.get("role") != Role.FUNDER:
            data["departements"] = []
        return data
