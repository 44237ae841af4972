from django.urls import path

from nofu.telephony import views

app_name = "telephony"
urlpatterns = [
    path("", views.phone, name="phone"),
    path("me", views.me, name="me"),
    path("state", views.set_state, name="state"),
    path("dial", views.dial, name="dial"),
    path("hangup", views.hangup, name="hangup"),
    path("monitor", views.monitor, name="monitor"),
    path("simulator", views.simulator, name="simulator"),
    path("simulator/ring", views.simulator_ring, name="simulator_ring"),
    path("simulator/burst", views.simulator_burst, name="simulator_burst"),
]
