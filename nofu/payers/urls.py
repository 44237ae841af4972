from django.urls import path

from nofu.payers import views

app_name = "payers"
urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.detail, name="detail"),
]
