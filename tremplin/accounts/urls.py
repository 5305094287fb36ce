from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.SignInView.as_view(), name="login"),
    path("deconnexion/", views.SignOutView.as_view(), name="logout"),
    path("mot-de-passe/oublie/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oublie/envoye/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/change/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("compte/securite/", views.security, name="security"),
    path("compte/double-authentification/", views.second_factor_verify, name="second_factor_verify"),
    path(
        "compte/double-authentification/activer/",
        views.second_factor_enrol,
        name="second_factor_enrol",
    ),
    path(
        "compte/double-authentification/desactiver/",
        views.second_factor_remove,
        name="second_factor_remove",
    ),
    path("compte/rattachement/", views.switch_membership, name="switch_membership"),
    path("compte/jetons/", views.api_tokens, name="api_tokens"),
    path("compte/jetons/<int:pk>/revoquer/", views.api_token_revoke, name="api_token_revoke"),
    path("structure/membres/", views.members, name="members"),
    path("structure/membres/<int:pk>/retirer/", views.member_deactivate, name="member_deactivate"),
]
