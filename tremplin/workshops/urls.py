from django.urls import path

from .views import attendance, catalogue, programme, public, registrations

app_name = "workshops"

urlpatterns = [
    # --- The programme, sessions, figures (views/programme.py) ---
    path("ateliers/", programme.programme, name="programme"),
    path("ateliers/seances/nouvelle/", programme.session_create, name="session_create"),
    path("ateliers/seances/<int:pk>/", programme.session_detail, name="session_detail"),
    path("ateliers/seances/<int:pk>/modifier/", programme.session_edit, name="session_edit"),
    path("ateliers/seances/<int:pk>/annuler/", programme.session_cancel, name="session_cancel"),
    path("ateliers/chiffres/", programme.figures, name="figures"),
    # --- The catalogue and pathways (views/catalogue.py) ---
    path("ateliers/catalogue/", catalogue.catalogue, name="catalogue"),
    path("ateliers/catalogue/nouveau/", catalogue.workshop_create, name="workshop_create"),
    path("ateliers/catalogue/<int:pk>/", catalogue.workshop_detail, name="workshop_detail"),
    path("ateliers/catalogue/<int:pk>/modifier/", catalogue.workshop_edit, name="workshop_edit"),
    path("ateliers/parcours/nouveau/", catalogue.pathway_create, name="pathway_create"),
    path("ateliers/parcours/<int:pk>/modifier/", catalogue.pathway_edit, name="pathway_edit"),
    # --- Registering from the office (views/registrations.py) ---
    path("ateliers/seances/<int:pk>/inscrire/", registrations.session_register, name="session_register"),
    path("ateliers/recherche-personnes/", registrations.beneficiary_search, name="beneficiary_search"),
    path(
        "ateliers/inscriptions/<int:pk>/annuler/",
        registrations.registration_cancel,
        name="registration_cancel",
    ),
    path(
        "ateliers/inscriptions/<int:pk>/confirmer/",
        registrations.registration_confirm,
        name="registration_confirm",
    ),
    # --- Attendance on the tablet (views/attendance.py) ---
    path("ateliers/seances/<int:pk>/appel/", attendance.attendance, name="attendance"),
    path(
        "ateliers/seances/<int:pk>/appel/<int:registration_pk>/",
        attendance.attendance_mark,
        name="attendance_mark",
    ),
    path("ateliers/seances/<int:pk>/sans-inscription/", attendance.walk_in, name="walk_in"),
    path("ateliers/seances/<int:pk>/anonymes/", attendance.extra_participants, name="extra_participants"),
    path("ateliers/seances/<int:pk>/cloturer/", attendance.close, name="session_close"),
    # --- Posters for the office's wall (views/public.py) ---
    path("ateliers/affiches/sites/<int:pk>.pdf", public.poster_site, name="poster_site"),
    path("ateliers/affiches/communes/<str:code>.pdf", public.poster_commune, name="poster_commune"),
    # --- The public agenda, no sign-in (views/public.py) ---
    path("agenda/", public.agenda, name="agenda"),
    path("agenda/sites/<int:pk>/", public.agenda_site, name="agenda_site"),
    path("agenda/communes/<str:code>/", public.agenda_commune, name="agenda_commune"),
    path("agenda/seances/<int:pk>/", public.public_session, name="public_session"),
    path("agenda/inscription/<str:token>/", public.public_registration, name="public_registration"),
    path(
        "agenda/inscription/<str:token>/atelier.ics",
        public.public_registration_ics,
        name="public_registration_ics",
    ),
]
