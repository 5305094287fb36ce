from decimal import Decimal

import pytest

from tremplin.core.models import JournalEntry
from tremplin.territory.importers import normalise_header, site_kind
from tremplin.territory.models import Site
from tremplin.territory.services import site_import

from .conftest import data_file
from .factories import SiteFactory

pytestmark = pytest.mark.django_db

SNAKE_HEADER = (
    "identifiant_a,libelle_du_site,caracteristique_du_site,site_acores_de_rattachement,adresse,"
    "complement_d_adresse,lieu_dit,code_postal,localite,code_insee,pays,latitude,longitude,"
    "numero_de_telephone,precision_du_geocodage"
)


def csv_bytes(*lines: str, header: str = SNAKE_HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")


def site_line(identifier="03190A", name="MOULINS BP", kind="Bureau de poste", insee="03190", **extra):
    values = {
        "postcode": "03000",
        "latitude": "46.5661",
        "longitude": "3.3327",
        **extra,
    }
    return (
        f"{identifier},{name},{kind},,27 rue d'Allier,,,{values['postcode']},MOULINS,{insee},France,"
        f"{values['latitude']},{values['longitude']},3631,Numéro de rue"
    )


# --- Formats -----------------------------------------------------------------------------


def test_snake_case_utf8_comma_file_creates_every_site(communes):
    report = site_import(source=data_file("sites_snake_utf8.csv"))

    assert (report.created, report.updated, report.unchanged) == (6, 0, 0)
    assert report.applied and report.fatal is None and report.errors == []
    molinet = Site.objects.get(identifier="03173A")
    assert molinet.name == "MOLINET"
    assert molinet.kind == Site.Kind.AGENCE_POSTALE_COMMUNALE
    assert molinet.commune == communes["03173"]
    assert molinet.parent_identifier == "03190A"
    assert molinet.address == "2 place Charles-Vertray, mairie"
    assert molinet.postcode == "03510"
    assert molinet.locality == "MOLINET"
    assert molinet.latitude == Decimal("46.4697")
    assert molinet.longitude == Decimal("3.9357")
    assert molinet.phone == "3631"
    assert molinet.geocoding_precision == "Numéro de rue"
    kinds = dict(Site.objects.values_list("identifier", "kind"))
    assert kinds == {
        "03173A": Site.Kind.AGENCE_POSTALE_COMMUNALE,
        "03190A": Site.Kind.BUREAU_DE_POSTE,
        "03310B": Site.Kind.RELAIS_POSTE,
        "92012Z": Site.Kind.FRANCE_SERVICES,
        "75108A": Site.Kind.BUREAU_DE_POSTE,
        "2A004A": Site.Kind.AGENCE_POSTALE_INTERCOMMUNALE,
    }
    assert Site.objects.get(identifier="2A004A").lieu_dit == "Mezzavia"


def test_old_semicolon_latin1_file_with_decimal_commas(communes):
    report = site_import(source=data_file("sites_old_semicolon_latin1.csv"))

    assert (report.created, report.errors, report.fatal) == (3, [], None)
    vichy = Site.objects.get(identifier="03310B")
    assert vichy.name == "VICHY ÉGLISE SAINT-LOUIS"
    assert vichy.address == "12 rue de l'Église"
    assert vichy.kind == Site.Kind.RELAIS_POSTE
    assert vichy.address_complement == "Tabac Le Balto"
    assert vichy.latitude == Decimal("46.1275")
    assert vichy.longitude == Decimal("3.4254")
    assert Site.objects.get(identifier="03173A").geocoding_precision == "Numéro de rue"


def test_utf8_file_with_bom_reads_its_first_column(communes):
    report = site_import(source=data_file("sites_utf8_bom.csv"))

    assert (report.created, report.errors, report.fatal) == (2, [], None)
    assert set(Site.objects.values_list("identifier", flat=True)) == {"03173A", "03190A"}


def test_windows_1252_characters_are_read(communes):
    data = csv_bytes(site_line(name="L’ÉCLUSE")).decode("utf-8").encode("cp1252")

    report = site_import(source=data)

    assert report.errors == [] and report.created == 1
    assert Site.objects.get().name == "L’ÉCLUSE"


def test_uploaded_file_object_is_accepted(communes):
    with data_file("sites_snake_utf8.csv").open("rb") as upload:
        report = site_import(source=upload)

    assert report.created == 6


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("#Identifiant_du_site", "identifiant_du_site"),
        ("Libellé_du_site", "libelle_du_site"),
        ("Lieu-dit", "lieu_dit"),
        ("Numéro_de_téléphone", "numero_de_telephone"),
        (" Code INSEE ", "code_insee"),
        ("\ufeffidentifiant_a", "identifiant_a"),
    ],
)
def test_headers_are_normalised(header, expected):
    assert normalise_header(header) == expected


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("Bureau de poste", Site.Kind.BUREAU_DE_POSTE),
        ("BUREAU DE POSTE", Site.Kind.BUREAU_DE_POSTE),
        ("Agence postale communale", Site.Kind.AGENCE_POSTALE_COMMUNALE),
        ("Agence Postale Intercommunale", Site.Kind.AGENCE_POSTALE_INTERCOMMUNALE),
        ("Relais poste", Site.Kind.RELAIS_POSTE),
        ("Relais poste commerçant", Site.Kind.RELAIS_POSTE),
        ("Relais Poste Urbain", Site.Kind.RELAIS_POSTE),
        ("Point partenaire", Site.Kind.RELAIS_POSTE),
        ("France Services", Site.Kind.FRANCE_SERVICES),
        ("Bureau de poste - France Services", Site.Kind.FRANCE_SERVICES),
        ("Guichet automatique", None),
        ("Relais", None),
    ],
)
def test_kind_mapping(label, kind):
    assert site_kind(label) == kind


# --- Idempotence and updates ---------------------------------------------------------------


def test_second_import_of_the_same_file_changes_nothing(communes):
    site_import(source=data_file("sites_snake_utf8.csv"))
    before = dict(Site.objects.values_list("identifier", "updated_at"))

    report = site_import(source=data_file("sites_snake_utf8.csv"))

    assert (report.created, report.updated, report.unchanged) == (0, 0, 6)
    assert dict(Site.objects.values_list("identifier", "updated_at")) == before


def test_same_sites_in_the_old_format_are_recognised(communes):
    site_import(source=data_file("sites_snake_utf8.csv"))

    report = site_import(source=data_file("sites_old_semicolon_latin1.csv"))

    assert (report.created, report.updated, report.unchanged) == (0, 2, 1)
    assert Site.objects.count() == 6
    assert Site.objects.get(identifier="03173A").address_complement == "Mairie"


def test_update_keeps_what_tremplin_records_about_the_site(communes):
    site = SiteFactory(
        identifier="03190A",
        name="Ancien nom",
        commune=communes["03173"],
        has_mediation=True,
        has_kiosk=True,
        has_etape_numerique=True,
        is_qpv=True,
    )

    report = site_import(source=data_file("sites_snake_utf8.csv"))

    assert (report.created, report.updated) == (5, 1)
    site.refresh_from_db()
    assert site.name == "MOULINS BP"
    assert site.commune == communes["03190"]
    assert (site.has_mediation, site.has_kiosk, site.has_etape_numerique, site.is_qpv) == (
        True,
        True,
        True,
        True,
    )


def test_columns_absent_from_the_file_are_left_alone(communes):
    site = SiteFactory(identifier="03190A", commune=communes["03190"], phone="04 70 00 00 00")
    header = "identifiant_a,libelle_du_site,caracteristique_du_site,code_insee"

    report = site_import(source=csv_bytes("03190A,MOULINS BP,Bureau de poste,03190", header=header))

    assert report.updated == 1
    site.refresh_from_db()
    assert (site.name, site.phone, site.postcode) == ("MOULINS BP", "04 70 00 00 00", "03000")


def test_applied_import_is_journalled_with_counts_only(communes, tenant_a):
    actor = tenant_a.members["admin"].user

    site_import(source=data_file("sites_snake_utf8.csv"), actor=actor)

    entry = JournalEntry.objects.get(action="territory.sites.imported")
    assert entry.actor == actor
    assert entry.payload == {"created": 6, "updated": 0, "unchanged": 0, "rejected": 0}


# --- Bad lines -----------------------------------------------------------------------------

EXPECTED_BAD_LINES = [
    (3, "identifiant manquant"),
    (4, "identifiant en double (03173A, déjà ligne 2)"),
    (5, "type de site inconnu (Guichet automatique)"),
    (6, "code INSEE inconnu (99999)"),
    (7, "code INSEE mal formé (3175)"),
    (8, "code postal mal formé (3000)"),
    (9, "latitude hors limites (95.5, attendu entre -90 et 90)"),
    (10, "longitude non numérique (abc)"),
    (11, "libellé du site manquant"),
    (12, "longitude hors limites (200, attendu entre -180 et 180)"),
    (13, "latitude non numérique (quarante-six)"),
]


def test_every_bad_line_is_reported_with_its_number_and_reason(communes):
    report = site_import(source=data_file("sites_bad_lines.csv"))

    assert report.errors == EXPECTED_BAD_LINES
    assert report.rejected == 11


def test_by_default_one_bad_line_means_nothing_is_written(communes):
    report = site_import(source=data_file("sites_bad_lines.csv"))

    assert not report.applied
    assert (report.created, report.updated) == (2, 0)
    assert not Site.objects.exists()
    assert not JournalEntry.objects.filter(action="territory.sites.imported").exists()


def test_bad_line_blocks_updates_too(communes):
    site = SiteFactory(identifier="03173A", name="Ancien nom", commune=communes["03173"])

    site_import(source=data_file("sites_bad_lines.csv"))

    site.refresh_from_db()
    assert site.name == "Ancien nom"


def test_skip_invalid_applies_only_the_valid_lines(communes):
    report = site_import(source=data_file("sites_bad_lines.csv"), skip_invalid=True)

    assert report.applied
    assert report.errors == EXPECTED_BAD_LINES
    assert report.created == 2
    assert set(Site.objects.values_list("identifier", flat=True)) == {"03173A", "03310B"}
    assert Site.objects.get(identifier="03173A").name == "MOLINET"
    entry = JournalEntry.objects.get(action="territory.sites.imported")
    assert entry.payload == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 11}


def test_a_line_with_several_problems_reports_them_all(communes):
    report = site_import(source=csv_bytes(site_line(name="", kind="Kiosque", postcode="ABCDE")))

    assert report.errors == [
        (2, "libellé du site manquant"),
        (2, "type de site inconnu (Kiosque)"),
        (2, "code postal mal formé (ABCDE)"),
    ]
    assert report.rejected == 1


def test_line_numbers_count_lines_of_the_file(communes):
    data = csv_bytes(
        site_line(identifier="03190A"),
        "",
        '03190B,MOULINS GARE,Bureau de poste,,"Rue de la Gare\nBâtiment B",,,03000,MOULINS,03190,'
        "France,46.5,3.3,3631,Voie",
        site_line(identifier="03190C", insee="99999"),
    )

    report = site_import(source=data)

    assert report.errors == [(6, "code INSEE inconnu (99999)")]


def test_overlong_value_is_a_line_error(communes):
    report = site_import(source=csv_bytes(site_line(name="X" * 201)))

    assert report.errors == [(2, "nom trop long (201 caractères, 200 au plus)")]


# --- Fatal errors --------------------------------------------------------------------------


def test_missing_columns_are_named_and_nothing_is_written(communes):
    report = site_import(source=data_file("sites_missing_columns.csv"))

    assert report.fatal == "Colonnes obligatoires absentes : caracteristique_du_site, code_insee."
    assert not report.applied
    assert not Site.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Le fichier est vide."),
        (b"  \r\n\r\n", "Le fichier est vide."),
        (SNAKE_HEADER.encode() + b"\n", "Le fichier ne contient aucune ligne de site."),
        (b"PK\x03\x04\x14\x00\x06\x00binary", "Le fichier n'est pas un fichier texte CSV."),
        (
            b"identifiant_a\n\xff\x81\xfe",
            "Encodage du fichier non reconnu : enregistrez-le en UTF-8 ou en Latin-1.",
        ),
    ],
)
def test_unreadable_files_are_fatal(communes, data, message):
    report = site_import(source=data)

    assert report.fatal == message
    assert not report.applied
    assert not Site.objects.exists()


def test_missing_file_is_fatal(tmp_path):
    report = site_import(source=tmp_path / "absent.csv")

    assert report.fatal.startswith("Impossible de lire le fichier")


# --- Dry run -------------------------------------------------------------------------------


def test_dry_run_counts_but_writes_nothing(communes):
    SiteFactory(identifier="03190A", name="Ancien nom", commune=communes["03190"])

    report = site_import(source=data_file("sites_snake_utf8.csv"), dry_run=True)

    assert (report.created, report.updated, report.unchanged) == (5, 1, 0)
    assert report.dry_run and not report.applied
    assert Site.objects.count() == 1
    assert Site.objects.get().name == "Ancien nom"
    assert not JournalEntry.objects.filter(action="territory.sites.imported").exists()


def test_dry_run_with_skip_invalid_writes_nothing(communes):
    report = site_import(source=data_file("sites_bad_lines.csv"), dry_run=True, skip_invalid=True)

    assert report.created == 2 and len(report.errors) == 11
    assert not report.applied
    assert not Site.objects.exists()
