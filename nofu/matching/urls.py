from django.urls import path

from nofu.matching import views

app_name = "matching"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.pair, name="pair"),
    path("<int:pk>/decide", views.decide, name="decide"),
    path("merge/", views.merge, name="merge"),
    path("split/<int:pk>/", views.split, name="split"),
]
