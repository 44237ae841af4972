from django.urls import path

from nofu.charges import views

app_name = "charges"
urlpatterns = [
    path("calculator", views.calculator, name="calculator"),
    path("rules/", views.rules, name="rules"),
    path("rules/rates/new", views.rate_new, name="rate_new"),
    path("rules/rates/<int:year>", views.rate_edit, name="rate_edit"),
    path("rules/subjects/new", views.subject_new, name="subject_new"),
    path("rules/subjects/<str:code>", views.subject_edit, name="subject_edit"),
    path("rules/history", views.history, name="history"),
]
