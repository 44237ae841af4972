"""Token-authenticated endpoints, mounted at /api/telephony/ (the login middleware lets
/api/ through; these views check their own token)."""

from django.urls import path

from nofu.telephony import api_views

app_name = "api"
urlpatterns = [
    path("events", api_views.events, name="telephony_events"),
]
