from django.urls import path, re_path

from goodgov.ledger import views

app_name = "ledger"
urlpatterns = [
    path("checkpoint", views.checkpoint, name="checkpoint"),
    path("key", views.key, name="key"),
    path("checkpoints", views.checkpoints, name="checkpoints"),
    path("proof/inclusion", views.inclusion_proof, name="inclusion_proof"),
    path("proof/consistency", views.consistency_proof, name="consistency_proof"),
    re_path(r"^tile/(?P<path>[-0-9a-z/.x]+)$", views.tile, name="tile"),
]
