"""The reference vocabularies of PRODUCT.md §4: codes stored and exported, French labels shown.

The themes are the national activity-report codes (La Coop de la médiation numérique), so an export
maps 1:1 onto that tool's."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActionKind(models.TextChoices):
    """The five kinds of action of the field's contract."""

    MACHINES_AND_TOOLS = (
        "machines_and_tools",
        _("Accompagnement aux automates et outils numériques de La Poste"),
    )
    INFORMATION_ORIENTATION = "information_orientation", _("Information et orientation")
    CONFLICT_PREVENTION = "conflict_prevention", _("Prévention des situations conflictuelles")
    POSTAL_FORMS = "postal_forms", _("Délivrance et aide à la rédaction des imprimés postaux")
    INDIVIDUAL_ACCOMPANIMENT = "individual_accompaniment", _("Accompagnement individualisé")


#: Short labels for the chips of the quick-record screen, where the full label does not fit.
ACTION_KIND_SHORT = {
    ActionKind.MACHINES_AND_TOOLS: _("Automates et outils"),
    ActionKind.INFORMATION_ORIENTATION: _("Information, orientation"),
    ActionKind.CONFLICT_PREVENTION: _("Prévention de conflit"),
    ActionKind.POSTAL_FORMS: _("Imprimés postaux"),
    ActionKind.INDIVIDUAL_ACCOMPANIMENT: _("Accompagnement individualisé"),
}


class TimeCategory(models.TextChoices):
    DIGITAL_ASSISTANCE = "digital_assistance", _("Assistance numérique")
    CLIENT_INFORMATION = "client_information", _("Information client")


#: The time category an interaction counts toward unless the mediator says otherwise.
DEFAULT_TIME_CATEGORY = {
    ActionKind.MACHINES_AND_TOOLS: TimeCategory.DIGITAL_ASSISTANCE,
    ActionKind.INFORMATION_ORIENTATION: TimeCategory.CLIENT_INFORMATION,
    ActionKind.CONFLICT_PREVENTION: TimeCategory.CLIENT_INFORMATION,
    ActionKind.POSTAL_FORMS: TimeCategory.CLIENT_INFORMATION,
    ActionKind.INDIVIDUAL_ACCOMPANIMENT: TimeCategory.DIGITAL_ASSISTANCE,
}


class Domain(models.TextChoices):
    MAIL_PARCEL = "mail_parcel", _("Courrier et colis")
    BANKING = "banking", _("Banque")
    MOBILE = "mobile", _("La Poste Mobile")
    DIGITAL_OFFERS = "digital_offers", _("Offres numériques de La Poste")
    TAXES = "taxes", _("Impôts")
    STATE_PROCEDURES = "state_procedures", _("Télé-procédures de l'État")
    OTHER_PROCEDURES = "other_procedures", _("Autres démarches administratives")


POSTAL_DOMAINS = frozenset({Domain.MAIL_PARCEL, Domain.BANKING, Domain.MOBILE, Domain.DIGITAL_OFFERS})


class Theme(models.TextChoices):
    DIAGNOSTIC_NUMERIQUE = "diagnostic_numerique", _("Diagnostic numérique")
    PRENDRE_EN_MAIN_DU_MATERIEL = "prendre_en_main_du_materiel", _("Prendre en main du matériel")
    MAINTENANCE_DE_MATERIEL = "maintenance_de_materiel", _("Maintenance de matériel")
    GERE_SES_CONTENUS_NUMERIQUES = "gere_ses_contenus_numeriques", _("Gérer ses contenus numériques")
    NAVIGATION_SUR_INTERNET = "navigation_sur_internet", _("Navigation sur internet")
    EMAIL = "email", _("E-mail")
    BUREAUTIQUE = "bureautique", _("Bureautique")
    RESEAUX_SOCIAUX = "reseaux_sociaux", _("Réseaux sociaux")
    SANTE = "sante", _("Santé")
    BANQUE_ET_ACHATS_EN_LIGNE = "banque_et_achats_en_ligne", _("Banque et achats en ligne")
    ENTREPRENEURIAT = "entrepreneuriat", _("Entrepreneuriat")
    INSERTION_PROFESSIONNELLE = "insertion_professionnelle", _("Insertion professionnelle")
    SECURITE_NUMERIQUE = "securite_numerique", _("Sécurité numérique")
    PARENTALITE = "parentalite", _("Parentalité")
    SCOLARITE_ET_NUMERIQUE = "scolarite_et_numerique", _("Scolarité et numérique")
    CREER_AVEC_LE_NUMERIQUE = "creer_avec_le_numerique", _("Créer avec le numérique")
    CULTURE_NUMERIQUE = "culture_numerique", _("Culture numérique")
    INTELLIGENCE_ARTIFICIELLE = "intelligence_artificielle", _("Intelligence artificielle")
    AIDE_AUX_DEMARCHES_ADMINISTRATIVES = (
        "aide_aux_demarches_administratives",
        _("Aide aux démarches administratives"),
    )
    PAPIERS_ELECTIONS_CITOYENNETE = "papiers_elections_citoyennete", _("Papiers, élections, citoyenneté")
    FAMILLE_SCOLARITE = "famille_scolarite", _("Famille, scolarité")
    SOCIAL_SANTE = "social_sante", _("Social, santé")
    TRAVAIL_FORMATION = "travail_formation", _("Travail, formation")
    LOGEMENT = "logement", _("Logement")
    TRANSPORTS_MOBILITE = "transports_mobilite", _("Transports, mobilité")
    ARGENT_IMPOTS = "argent_impots", _("Argent, impôts")
    JUSTICE = "justice", _("Justice")
    ETRANGERS_EUROPE = "etrangers_europe", _("Étrangers, Europe")
    LOISIRS_SPORTS_CULTURE = "loisirs_sports_culture", _("Loisirs, sports, culture")
    ASSOCIATIONS = "associations", _("Associations")


#: The procedure themes (the second list of §4), shown as their own group.
PROCEDURE_THEMES = frozenset(
    {
        Theme.PAPIERS_ELECTIONS_CITOYENNETE,
        Theme.FAMILLE_SCOLARITE,
        Theme.SOCIAL_SANTE,
        Theme.TRAVAIL_FORMATION,
        Theme.LOGEMENT,
        Theme.TRANSPORTS_MOBILITE,
        Theme.ARGENT_IMPOTS,
        Theme.JUSTICE,
        Theme.ETRANGERS_EUROPE,
        Theme.LOISIRS_SPORTS_CULTURE,
        Theme.ASSOCIATIONS,
    }
)


class Equipment(models.TextChoices):
    ORDINATEUR = "ordinateur", _("Ordinateur")
    TELEPHONE = "telephone", _("Téléphone")
    TABLETTE = "tablette", _("Tablette")
    ILOT_NUMERIQUE = "ilot_numerique", _("Îlot numérique")
    AUTOMATE = "automate", _("Automate")
    AUTRE = "autre", _("Autre")
    AUCUN = "aucun", _("Aucun")


class Place(models.TextChoices):
    BUREAU_DE_POSTE = "bureau_de_poste", _("Au bureau de poste")
    HORS_BUREAU = "hors_bureau", _("Hors du bureau (médiathèque, CCAS, mairie…)")
    DOMICILE = "domicile", _("À domicile")
    A_DISTANCE = "a_distance", _("À distance")


class AutonomyOutcome(models.TextChoices):
    ENTIEREMENT_ACCOMPAGNE = "entierement_accompagne", _("Avec guidage")
    PARTIELLEMENT_AUTONOME = "partiellement_autonome", _("Autonome avec guidage en cas de besoin")
    AUTONOME = "autonome", _("Autonome")


class OrientationTarget(models.TextChoices):
    ADMINISTRATION = "administration", _("Administration")
    MEDIATION_NUMERIQUE = "mediation_numerique", _("Médiation numérique")
    OPERATEUR_OU_ORGANISME_EN_CHARGE = (
        "operateur_ou_organisme_en_charge",
        _("Opérateur ou organisme en charge"),
    )
    AIDE_SOCIALE = "aide_sociale", _("Aide sociale")
    INSERTION_PROFESSIONNELLE = "insertion_professionnelle", _("Insertion professionnelle")
    AIDE_AUX_DEMARCHES_ADMINISTRATIVES = (
        "aide_aux_demarches_administratives",
        _("Aide aux démarches administratives"),
    )
    GUICHET_LA_POSTE = "guichet_la_poste", _("Guichet La Poste")
    AUTRE = "autre", _("Autre")


class PostalForm(models.TextChoices):
    """The postal forms a mediator hands out and helps fill most often."""

    RECOMMANDE = "recommande", _("Lettre recommandée")
    AVIS_DE_PASSAGE = "avis_de_passage", _("Avis de passage, instance")
    PROCURATION = "procuration", _("Procuration postale")
    REEXPEDITION = "reexpedition", _("Réexpédition, garde du courrier")
    DECLARATION_DOUANE = "declaration_douane", _("Déclaration en douane (CN23)")
    RECLAMATION = "reclamation", _("Réclamation")
    MANDAT = "mandat", _("Mandat cash")
    AUTRE = "autre", _("Autre imprimé")


class ConflictSeverity(models.TextChoices):
    LOW = "low", _("Tension légère")
    MEDIUM = "medium", _("Tension forte")
    HIGH = "high", _("Agressivité")


class AgeBracket(models.TextChoices):
    MOINS_DE_DOUZE = "moins_de_douze", _("Moins de 12 ans")
    DOUZE_DIX_HUIT = "douze_dix_huit", _("12 à 18 ans")
    DIX_HUIT_VINGT_QUATRE = "dix_huit_vingt_quatre", _("18 à 24 ans")
    VINGT_CINQ_TRENTE_NEUF = "vingt_cinq_trente_neuf", _("25 à 39 ans")
    QUARANTE_CINQUANTE_NEUF = "quarante_cinquante_neuf", _("40 à 59 ans")
    SOIXANTE_SOIXANTE_NEUF = "soixante_soixante_neuf", _("60 à 69 ans")
    SOIXANTE_DIX_PLUS = "soixante_dix_plus", _("70 ans et plus")


class Gender(models.TextChoices):
    MASCULIN = "masculin", _("Homme")
    FEMININ = "feminin", _("Femme")


class SocialStatus(models.TextChoices):
    SCOLARISE = "scolarise", _("Scolarisé")
    SANS_EMPLOI = "sans_emploi", _("Sans emploi")
    EN_EMPLOI = "en_emploi", _("En emploi")
    RETRAITE = "retraite", _("Retraité")


def age_bracket_for(birth_year: int | None, year: int) -> str:
    """The age bracket a person born in `birth_year` falls in during `year` ("" when unknown)."""
    if not birth_year:
        return ""
    age = year - birth_year
    for limit, bracket in (
        (12, AgeBracket.MOINS_DE_DOUZE),
        (18, AgeBracket.DOUZE_DIX_HUIT),
        (25, AgeBracket.DIX_HUIT_VINGT_QUATRE),
        (40, AgeBracket.VINGT_CINQ_TRENTE_NEUF),
        (60, AgeBracket.QUARANTE_CINQUANTE_NEUF),
        (70, AgeBracket.SOIXANTE_SOIXANTE_NEUF),
    ):
        if age < limit:
            return bracket
    return AgeBracket.SOIXANTE_DIX_PLUS
