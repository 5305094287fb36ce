"""Forms of the planning pages: contracts, the rotation plan, mediators, absences and replacements.

Durations are typed as hours and minutes and handed to the services as integer minutes.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Absence, Contract, Weekday

DATE_WIDGET = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
TIME_WIDGET = {"widget": forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")}


def _hours_field(label, *, max_value):
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=max_value,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def _minutes_field(label):
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=59,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
    )


def _as_minutes(hours, minutes) -> int | None:
    if hours is None and minutes is None:
        return None
    return (hours or 0) * 60 + (minutes or 0)


def _split_minutes(total) -> tuple:
    """Minutes as (hours, minutes) for the form; no minutes shows an empty box, not a 0."""
    if total is None:
        return None, None
    hours, minutes = divmod(int(total), 60)
    return hours, minutes or None


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Puts a service's ValidationError on the form: on its field when the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class SiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, site):
        return f"{site.name} — {site.commune.name} ({site.commune.departement.code})"


# ---------------------------------------------------------------------------------------------
# Contracts
# ---------------------------------------------------------------------------------------------


class ContractForm(forms.Form):
    reference = forms.CharField(label=_("Référence"), max_length=50)
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    client = forms.ModelChoiceField(
        label=_("Client"),
        queryset=None,
        empty_label=_("Choisir le client"),
        help_text=_(
            "La structure pour laquelle les heures sont effectuées, par exemple une direction de La Poste."
        ),
    )
    starts_on = forms.DateField(label=_("Début"), **DATE_WIDGET)
    ends_on = forms.DateField(label=_("Fin"), **DATE_WIDGET)
    status = forms.ChoiceField(label=_("Statut"), choices=Contract.Status.choices)
    reporting_period = forms.ChoiceField(
        label=_("Périodicité du compte rendu"), choices=Contract.ReportingPeriod.choices
    )
    total_hours = _hours_field(_("Volume total : heures"), max_value=1_000_000)
    total_minutes = _minutes_field(_("Volume total : minutes"))

    def __init__(self, *args, clients, operator, contract=None, **kwargs):
        if contract is not None and "initial" not in kwargs:
            hours, minutes = _split_minutes(contract.contracted_minutes)
            kwargs["initial"] = {
                "reference": contract.reference,
                "title": contract.title,
                "client": contract.client_id,
                "starts_on": contract.starts_on,
                "ends_on": contract.ends_on,
                "status": contract.status,
                "reporting_period": contract.reporting_period,
                "total_hours": hours,
                "total_minutes": minutes,
            }
        super().__init__(*args, **kwargs)
        self.operator = operator
        self.contract = contract
        self.fields["client"].queryset = clients

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        taken = Contract.objects.filter(operator=self.operator, reference__iexact=reference)
        if self.contract is not None:
            taken = taken.exclude(pk=self.contract.pk)
        if taken.exists():
            raise ValidationError(_("Un autre de vos contrats porte déjà cette référence."))
        return reference

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("La fin du contrat doit suivre son début."))
        return data

    @property
    def contracted_minutes(self) -> int | None:
        return _as_minutes(self.cleaned_data.get("total_hours"), self.cleaned_data.get("total_minutes"))


class ContractSiteForm(forms.Form):
    site = SiteChoiceField(label=_("Site"), queryset=None, empty_label=_("Choisir un site"))
    hours = _hours_field(_("Heures par semaine"), max_value=168)
    minutes = _minutes_field(_("Minutes par semaine"))

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites

    def clean(self):
        data = super().clean()
        minutes = _as_minutes(data.get("hours"), data.get("minutes"))
        if minutes is not None and minutes > 7 * 24 * 60:
            self.add_error("hours", _("Une semaine ne compte que 168 heures."))
        data["weekly_minutes"] = minutes
        return data


class BaseContractSiteFormSet(forms.BaseFormSet):
    def __init__(self, *args, sites, contract=None, **kwargs):
        self.sites = sites
        self.contract = contract
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"sites": self.sites}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            sites=self.sites,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form

    def _kept_forms(self):
        """Rows that stay: every existing row not marked for removal, and the filled-in new rows."""
        for index, form in enumerate(self.forms):
            if index >= self.initial_form_count() and not form.has_changed():
                continue
            if self._should_delete_form(form):
                continue
            yield form

    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self._kept_forms():
            site = form.cleaned_data.get("site")
            if site.pk in seen:
                form.add_error("site", _("Ce site figure déjà plus haut."))
            seen.add(site.pk)
        if not seen:
            raise ValidationError(_("Indiquez au moins un site couvert par le contrat."))
        if self.contract is not None:
            removed = self.contract.rotations.exclude(site_id__in=seen).select_related("site")
            names = sorted({rotation.site.name for rotation in removed})
            if names:
                raise ValidationError(
                    _(
                        "Des présences sont planifiées à %(sites)s : retirez-les du planning avant "
                        "de retirer ce site du contrat."
                    )
                    % {"sites": ", ".join(names)}
                )

    def weekly_minutes_by_site(self) -> dict:
        return {form.cleaned_data["site"]: form.cleaned_data["weekly_minutes"] for form in self._kept_forms()}


def contract_site_formset(*, extra: int):
    """The covered sites with their weekly hours; `extra` blank rows are offered for new sites."""
    return forms.formset_factory(
        ContractSiteForm, formset=BaseContractSiteFormSet, extra=extra, can_delete=True
    )


def contract_site_initial(contract: Contract | None) -> list[dict]:
    if contract is None:
        return []
    rows = []
    for contract_site in contract.contract_sites.select_related("site").order_by("site__name"):
        hours, minutes = _split_minutes(contract_site.weekly_minutes)
        rows.append({"site": contract_site.site_id, "hours": hours, "minutes": minutes})
    return rows


# ---------------------------------------------------------------------------------------------
# Rotation plan
# ---------------------------------------------------------------------------------------------


class MediatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, profile):
        return profile.user.get_full_name() or profile.user.email


class RotationForm(forms.Form):
    mediator = MediatorChoiceField(label=_("Médiateur"), queryset=None, empty_label=_("Choisir"))
    site = SiteChoiceField(label=_("Site"), queryset=None, empty_label=_("Choisir"))
    weekday = forms.TypedChoiceField(label=_("Jour"), choices=Weekday.choices, coerce=int)
    starts_at = forms.TimeField(label=_("De"), **TIME_WIDGET)
    ends_at = forms.TimeField(label=_("À"), **TIME_WIDGET)
    valid_from = forms.DateField(label=_("À partir du"), required=False, **DATE_WIDGET)
    valid_until = forms.DateField(label=_("Jusqu'au"), required=False, **DATE_WIDGET)

    def __init__(self, *args, contract, mediators, rotation=None, **kwargs):
        if "initial" not in kwargs:
            if rotation is not None:
                kwargs["initial"] = {
                    "mediator": rotation.mediator_id,
                    "site": rotation.site_id,
                    "weekday": rotation.weekday,
                    "starts_at": rotation.starts_at,
                    "ends_at": rotation.ends_at,
                    "valid_from": rotation.valid_from,
                    "valid_until": rotation.valid_until,
                }
            else:
                kwargs["initial"] = {"valid_from": contract.starts_on, "valid_until": contract.ends_on}
        super().__init__(*args, **kwargs)
        self.contract = contract
        self.fields["mediator"].queryset = mediators
        self.fields["site"].queryset = contract.sites.select_related("commune__departement").order_by("name")
        self.fields["valid_from"].help_text = _("Vide : début du contrat.")
        self.fields["valid_until"].help_text = _("Vide : fin du contrat.")

    def clean(self):
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("L'heure de fin doit suivre l'heure de début."))
        valid_from = data.get("valid_from") or self.contract.starts_on
        valid_until = data.get("valid_until") or self.contract.ends_on
        if valid_until < valid_from:
            self.add_error("valid_until", _("La date de fin doit suivre la date de début."))
        if valid_from > self.contract.ends_on:
            self.add_error("valid_from", _("Le contrat se termine avant cette date."))
        return data

    def service_kwargs(self) -> dict:
        return {
            key: self.cleaned_data.get(key)
            for key in ("mediator", "site", "weekday", "starts_at", "ends_at", "valid_from", "valid_until")
        }


# ---------------------------------------------------------------------------------------------
# Mediators, certifications, absences, replacements
# ---------------------------------------------------------------------------------------------


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        name = user.get_full_name()
        return f"{name} ({user.email})" if name else user.email


class MediatorProfileForm(forms.Form):
    user = UserChoiceField(
        label=_("Membre"),
        queryset=None,
        empty_label=_("Choisir"),
        help_text=_("Les membres de votre structure qui ont le rôle médiateur et pas encore de fiche."),
    )
    languages = forms.CharField(
        label=_("Langues parlées"),
        required=False,
        max_length=200,
        help_text=_("Séparées par des virgules, par exemple : français, arabe, anglais."),
    )
    active_from = forms.DateField(label=_("En poste depuis"), required=False, **DATE_WIDGET)
    active_until = forms.DateField(label=_("En poste jusqu'au"), required=False, **DATE_WIDGET)

    def __init__(self, *args, users=None, profile=None, **kwargs):
        if profile is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "languages": profile.languages,
                "active_from": profile.active_from,
                "active_until": profile.active_until,
            }
        super().__init__(*args, **kwargs)
        if users is None:
            del self.fields["user"]
        else:
            self.fields["user"].queryset = users

    def clean_languages(self):
        parts = [part.strip() for part in self.cleaned_data["languages"].split(",")]
        return ", ".join(part for part in parts if part)

    def clean(self):
        data = super().clean()
        start, end = data.get("active_from"), data.get("active_until")
        if start and end and end < start:
            self.add_error("active_until", _("La date de fin doit suivre la date de début."))
        return data


class CertificationForm(forms.Form):
    name = forms.CharField(
        label=_("Formation ou certification"),
        max_length=200,
        help_text=_("Par exemple : titre professionnel de responsable d'espace de médiation numérique."),
    )
    issuer = forms.CharField(label=_("Organisme"), max_length=200, required=False)
    obtained_on = forms.DateField(label=_("Obtenue le"), **DATE_WIDGET)
    expires_on = forms.DateField(label=_("Valable jusqu'au"), required=False, **DATE_WIDGET)

    def clean(self):
        data = super().clean()
        obtained, expires = data.get("obtained_on"), data.get("expires_on")
        if obtained and expires and expires < obtained:
            self.add_error("expires_on", _("La fin de validité doit suivre l'obtention."))
        return data


class AbsenceForm(forms.Form):
    starts_on = forms.DateField(label=_("Du"), **DATE_WIDGET)
    ends_on = forms.DateField(label=_("Au (inclus)"), **DATE_WIDGET)
    reason = forms.ChoiceField(label=_("Motif"), choices=Absence.Reason.choices)

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("La date de fin doit suivre la date de début."))
        return data


class ReplacementForm(forms.Form):
    REPLACE, CANCEL = "replace", "cancel"

    rotation = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    date = forms.DateField(widget=forms.HiddenInput)
    replacement = forms.ModelChoiceField(label=_("Remplaçant"), queryset=None, required=False)
    action = forms.ChoiceField(choices=[(REPLACE, REPLACE), (CANCEL, CANCEL)], widget=forms.HiddenInput)

    def __init__(self, *args, contract, mediators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rotation"].queryset = contract.rotations.all()
        self.fields["replacement"].queryset = mediators

    def clean(self):
        data = super().clean()
        if data.get("action") == self.REPLACE and data.get("replacement") is None:
            self.add_error("replacement", _("Choisissez qui remplace, ou annulez la permanence ce jour-là."))
        rotation, replacement = data.get("rotation"), data.get("replacement")
        if rotation and replacement and replacement.pk == rotation.mediator_id:
            self.add_error("replacement", _("Choisissez une autre personne que le médiateur absent."))
        return data
