from django import forms
from django.utils.translation import gettext_lazy as _


class JournalFilterForm(forms.Form):
    action = forms.CharField(
        label=_("Action (début du nom)"),
        required=False,
        help_text=_("Par exemple « accounts » ou « territory.sites »."),
    )
    actor_email = forms.EmailField(label=_("E-mail de l'auteur"), required=False)
    object_type = forms.CharField(label=_("Type d'objet"), required=False)
    since = forms.DateField(
        label=_("Depuis le"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Jusqu'au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("La date de début doit précéder la date de fin."))
        return data
