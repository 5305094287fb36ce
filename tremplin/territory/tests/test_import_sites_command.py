from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tremplin.territory.models import Site

from .conftest import data_file

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("import_sites", *args, stdout=out)
    return out.getvalue()


def test_imports_a_good_file_and_prints_the_counts(communes):
    output = run(str(data_file("sites_snake_utf8.csv")))

    assert output == "Sites créés : 6, mis à jour : 0, inchangés : 0 ; lignes rejetées : 0.\n"
    assert Site.objects.count() == 6


def test_bad_lines_are_listed_and_the_command_fails(communes):
    out = StringIO()
    with pytest.raises(CommandError, match="11 ligne\\(s\\) invalide\\(s\\) : rien n'a été enregistré"):
        call_command("import_sites", str(data_file("sites_bad_lines.csv")), stdout=out)

    lines = out.getvalue().splitlines()
    assert "ligne 6 : code INSEE inconnu (99999)" in lines
    assert "ligne 3 : identifiant manquant" in lines
    assert lines[-1].startswith("Lignes valides : 2 site(s) à créer")
    assert not Site.objects.exists()


def test_skip_invalid_imports_the_valid_lines_and_succeeds(communes):
    output = run(str(data_file("sites_bad_lines.csv")), "--skip-invalid")

    assert "ligne 7 : code INSEE mal formé (3175)" in output
    assert output.splitlines()[-1] == (
        "Sites créés : 2, mis à jour : 0, inchangés : 0 ; lignes rejetées : 11."
    )
    assert Site.objects.count() == 2


def test_dry_run_writes_nothing(communes):
    output = run(str(data_file("sites_snake_utf8.csv")), "--dry-run")

    assert output.startswith("Simulation, rien n'a été enregistré. Sites à créer : 6")
    assert not Site.objects.exists()


def test_fatal_error_fails_with_its_reason(communes):
    with pytest.raises(CommandError, match="Colonnes obligatoires absentes : caracteristique_du_site"):
        run(str(data_file("sites_missing_columns.csv")))


def test_missing_file_fails(tmp_path):
    with pytest.raises(CommandError, match="Impossible de lire le fichier"):
        run(str(tmp_path / "absent.csv"))
