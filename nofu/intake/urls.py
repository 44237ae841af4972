from django.urls import path

from nofu.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("upload", views.upload_files, name="upload_files"),
    path("<int:pk>/", views.batch, name="batch"),
    path("<int:pk>/errors.csv", views.batch_errors_csv, name="batch_errors"),
]
