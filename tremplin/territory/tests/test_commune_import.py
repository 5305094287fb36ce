from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tremplin.core.models import JournalEntry
from tremplin.territory.models import Commune, Departement, Region

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("import_communes", *args, stdout=out)
    return out.getvalue()


def test_loads_the_chosen_departements_then_reruns_without_change():
    output = run("--departements", "03", "75")

    allier = Departement.objects.get(code="03")
    assert allier.name == "Allier"
    assert allier.region == Region.objects.get(code="84", name="Auvergne-Rhône-Alpes")
    molinet = Commune.objects.get(code="03173")
    assert (molinet.name, molinet.departement, molinet.is_rural) == ("Molinet", allier, True)
    assert molinet.population < Commune.RURAL_POPULATION_THRESHOLD
    moulins = Commune.objects.get(code="03190")
    assert moulins.name == "Moulins" and not moulins.is_rural
    assert Commune.objects.filter(departement=allier).count() == 317
    assert Commune.objects.get(code="75108").departement.code == "75"
    assert Commune.objects.filter(code="75056").exists()
    assert set(Departement.objects.values_list("code", flat=True)) == {"03", "75"}
    assert "Communes : 338 créées, 0 mises à jour, 0 inchangées." in output
    assert "Départements : 2 créés" in output

    Commune.objects.filter(code="03173").update(name="Ancien nom", fragility_index=7)
    output = run("--departements", "3", "75")

    assert "Communes : 0 créées, 1 mises à jour, 337 inchangées." in output
    molinet.refresh_from_db()
    assert (molinet.name, molinet.fragility_index) == ("Molinet", 7)
    entries = JournalEntry.objects.filter(action="territory.communes.imported")
    assert entries.count() == 2
    assert entries.first().payload["communes"] == {"created": 0, "updated": 1, "unchanged": 337}


def test_unknown_departement_is_refused():
    with pytest.raises(CommandError, match="Département\\(s\\) inconnu\\(s\\) : 99"):
        run("--departements", "99")
    assert not Commune.objects.exists()
