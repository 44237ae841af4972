from django.urls import path

from nofu.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.log, name="log"),
    path("register/", views.register, name="register"),
    path("register.xlsx", views.register_export, name="register_export"),
]
