"""The demo's workshops (PRODUCT.md §1, §3.5): a catalogue "from initiation to consolidation" for the
Hauts-de-Seine association and for La Poste's mediation in the Allier, a pathway, past sessions held in
and outside the offices, and upcoming ones with registrations and a waiting list.

Pure data, no database: `workshops_services.demo_workshops_load` writes it through the workshops
services. Dates are relative to the day of the load; each facilitator runs sessions on a half-day
they are not planned at a counter (and not replacing anyone), so they still do one thing at a time."""

from __future__ import annotations

from dataclasses import dataclass

from . import dataset
from . import staffing_dataset as staffing

TABLETTE = "tablette"
EMAIL = "email"
DEMARCHES = "demarches"
BANQUE = "banque"
ACHATS = "achats"
TELECONSULTATION = "teleconsultation"
OUTILS_LA_POSTE = "outils_la_poste"


@dataclass(frozen=True)
class DemoWorkshop:
    key: str
    title: str
    description: str
    level: str
    themes: tuple[str, ...]
    duration_minutes: int = 90
    max_participants: int = 8
    prerequisites: str = ""
    equipment_provided: str = "Tablettes et ordinateurs prêtés pendant l'atelier."


CATALOGUE = (
    DemoWorkshop(
        TABLETTE,
        "Prendre en main sa tablette ou son smartphone",
        "Allumer, toucher, faire glisser, se connecter au wifi, installer une application : les premiers "
        "gestes, à son rythme, sans jargon.",
        "debutant",
        ("prendre_en_main_du_materiel",),
        prerequisites="Aucun : c'est le premier atelier. Venez avec votre appareil si vous en avez un.",
    ),
    DemoWorkshop(
        EMAIL,
        "Créer et utiliser son adresse e-mail",
        "Créer une adresse (par exemple laposte.net), lire ses messages, répondre, joindre un document, "
        "reconnaître un message douteux.",
        "debutant",
        ("email", "securite_numerique"),
        prerequisites="Savoir se servir d'un écran tactile ou d'une souris.",
    ),
    DemoWorkshop(
        DEMARCHES,
        "Faire ses démarches administratives en ligne",
        "Se connecter avec FranceConnect, retrouver ses documents (CAF, Assurance maladie, impôts), "
        "remplir un formulaire en ligne et garder une preuve de sa démarche.",
        "intermediaire",
        ("aide_aux_demarches_administratives", "papiers_elections_citoyennete", "argent_impots"),
        duration_minutes=120,
        prerequisites="Avoir une adresse e-mail et s'en servir.",
    ),
    DemoWorkshop(
        BANQUE,
        "Sa banque en ligne, en toute sécurité",
        "Consulter ses comptes, faire un virement, valider une opération sur son téléphone, et se "
        "protéger des arnaques (faux conseillers, faux SMS).",
        "intermediaire",
        ("banque_et_achats_en_ligne", "securite_numerique"),
        max_participants=6,
        prerequisites="Avoir ses identifiants de banque en ligne (ou les demander au guichet).",
    ),
    DemoWorkshop(
        ACHATS,
        "Acheter et vendre en ligne",
        "Comparer, payer sans risque, suivre une livraison, vendre un objet d'occasion et l'envoyer.",
        "intermediaire",
        ("banque_et_achats_en_ligne",),
    ),
    DemoWorkshop(
        TELECONSULTATION,
        "Consulter un médecin à distance",
        "Prendre rendez-vous en ligne, préparer et suivre une téléconsultation, retrouver son ordonnance.",
        "intermediaire",
        ("sante", "social_sante"),
        max_participants=6,
    ),
    DemoWorkshop(
        OUTILS_LA_POSTE,
        "Les services en ligne de La Poste",
        "Suivre un colis, ranger ses documents dans Digiposte, activer l'Identité Numérique La Poste : "
        "pour devenir autonome avec les outils du bureau de poste.",
        "avance",
        ("gere_ses_contenus_numeriques", "securite_numerique"),
        prerequisites="Avoir un smartphone et une adresse e-mail.",
    ),
)

#: A pathway from initiation to consolidation, the same for both operators.
PATHWAY_TITLE = "Premiers pas vers l'autonomie numérique"
PATHWAY_DESCRIPTION = (
    "Trois ateliers dans l'ordre : l'appareil, puis l'e-mail, puis les démarches en ligne. "
    "Les personnes suivies y sont inscrites d'une étape à la suivante."
)
PATHWAY = (TABLETTE, EMAIL, DEMARCHES)


@dataclass(frozen=True)
class DemoVenue:
    name: str
    address: str
    commune: str  # code INSEE


@dataclass(frozen=True)
class DemoSlot:
    """Every week at this weekday and time, this facilitator runs a session attached to this office
    (in it, or at `venue`), cycling through `workshops`. `skip_weeks` are the weeks (relative to this
    one) when they work elsewhere."""

    operator: str
    facilitator: str
    site: str
    weekday: int
    hour: int
    workshops: tuple[str, ...]
    capacity: int = 8
    venue: DemoVenue | None = None
    skip_weeks: tuple[int, ...] = ()
    accessibility: str = "Accès de plain-pied, boucle magnétique au guichet."


SLOTS = (
    # Camille has no counter on Wednesday afternoons: the Étape numérique space of Nanterre Centre.
    DemoSlot(
        dataset.ASSO_92,
        staffing.CAMILLE,
        staffing.NANTERRE_CENTRE,
        staffing.WED,
        14,
        (TABLETTE, EMAIL, DEMARCHES, BANQUE),
    ),
    # Yacine is off on Wednesdays: a session at the library near Le Luth (not the week he was ill, nor
    # next week, when he replaces Julie).
    DemoSlot(
        dataset.ASSO_92,
        staffing.YACINE,
        staffing.GENNEVILLIERS_LE_LUTH,
        staffing.WED,
        10,
        (EMAIL, TELECONSULTATION, OUTILS_LA_POSTE),
        venue=DemoVenue("Médiathèque du Luth", "Avenue du Luth", "92036"),
        skip_weeks=(-3, 1),
        accessibility="Salle au rez-de-chaussée, accessible en fauteuil.",
    ),
    # Léa is off on Thursdays (except when she replaces Yacine or Julie).
    DemoSlot(
        dataset.ASSO_92,
        staffing.LEA,
        staffing.COLOMBES,
        staffing.THU,
        14,
        (ACHATS, BANQUE),
        capacity=6,
        skip_weeks=(-3, 1),
    ),
    # In the Allier, Mathieu is free on Mondays: a session at the office of Noyant-d'Allier (not in two
    # weeks, when he replaces Sandrine at Saint-Gérand-le-Puy).
    DemoSlot(
        dataset.LA_POSTE,
        staffing.MATHIEU,
        staffing.NOYANT,
        staffing.MON,
        14,
        (TABLETTE, EMAIL, DEMARCHES),
        capacity=6,
        skip_weeks=(2,),
    ),
    # Christelle is free on Friday afternoons: the village hall of Molinet, with the town hall.
    DemoSlot(
        dataset.LA_POSTE,
        staffing.CHRISTELLE,
        staffing.MOLINET,
        staffing.FRI,
        14,
        (TABLETTE, OUTILS_LA_POSTE, BANQUE),
        capacity=6,
        venue=DemoVenue("Salle des fêtes de Molinet", "Place de la Mairie", "03173"),
        accessibility="Salle de plain-pied ; parking devant la mairie.",
    ),
)

#: Weeks of past sessions (before this one) and of upcoming ones (this week included).
PAST_WEEKS = 6
UPCOMING_WEEKS = 4

#: First names of the public who book (made up, common in the field).
FIRST_NAMES = (
    "Josiane",
    "Bernard",
    "Nadia",
    "Gérard",
    "Yvette",
    "Karim",
    "Monique",
    "Abdel",
    "Colette",
    "Jean-Pierre",
    "Fatou",
    "Michèle",
    "Hocine",
    "Denise",
    "Serge",
    "Aïcha",
    "Roger",
    "Simone",
    "Mohamed",
    "Lucienne",
)

#: Followed regulars (their display name, and the mediator who recorded them) who follow the pathway
#: at a facilitator's sessions: each comes to the next step of the pathway held there.
PATHWAY_FOLLOWERS = {
    staffing.CAMILLE: (("Ginette", staffing.CAMILLE), ("Mamadou", staffing.CAMILLE)),
    staffing.YACINE: (("Fatima", staffing.YACINE),),
    staffing.MATHIEU: (("Gérard", staffing.MATHIEU),),
    staffing.CHRISTELLE: (("Simone", staffing.CHRISTELLE),),
}
