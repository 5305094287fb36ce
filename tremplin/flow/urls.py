from django.urls import path

from .views import board, queue, stats

app_name = "flow"

urlpatterns = [
    # --- The mediator's queue screen and its actions (views/queue.py) ---
    path("file/", queue.queue_home, name="queue_home"),
    path("file/sites/<int:site_pk>/", queue.queue, name="queue"),
    path("file/sites/<int:site_pk>/arrivee/", queue.visit_add, name="visit_add"),
    path("file/sites/<int:site_pk>/appeler-suivant/", queue.call_next, name="call_next"),
    path("file/visites/<int:pk>/<str:action>/", queue.visit_action, name="visit_action"),
    path("file/sites/<int:site_pk>/motifs/", queue.reasons_edit, name="reasons_edit"),
    # --- Public board and its secret URL (views/board.py) ---
    path("ecran/<str:secret>/", board.board, name="board"),
    path("file/sites/<int:site_pk>/ecran/", board.board_admin, name="board_admin"),
    # --- Statistics (views/stats.py) ---
    path("file/sites/<int:site_pk>/statistiques/", stats.site_stats, name="site_stats"),
]
