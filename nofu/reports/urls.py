from django.urls import path

from nofu.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("generate/", views.generate, name="generate"),
    path("results/", views.results, name="results"),
    path("results/download/", views.results_download, name="results_download"),
    path("board/", views.board, name="board"),
    path("records/", views.records, name="records"),
]
