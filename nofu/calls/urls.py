from django.urls import path

from nofu.calls import views

app_name = "calls"
urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("next", views.take_next, name="next"),
    path("skip", views.skip, name="skip"),
    path("outcome", views.outcome, name="outcome"),
    path("conversation", views.conversation, name="conversation"),
    path("draft", views.draft, name="draft"),
    path("owed", views.owed, name="owed"),
    path("inbound", views.inbound, name="inbound"),
    path("complaints", views.complaints, name="complaints"),
    path("complaints/<int:pk>/resolve", views.complaint_resolve, name="complaint_resolve"),
    path("mailing", views.mailing, name="mailing"),
    path("mailing/print", views.mailing_print, name="mailing_print"),
    path("mailing/<int:pk>/pdf", views.mailing_pdf, name="mailing_pdf"),
    path("settings", views.call_settings, name="settings"),
]
