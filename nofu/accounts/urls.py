from django.contrib.auth import views as auth_views
from django.urls import path

from nofu.accounts import views

app_name = "accounts"
urlpatterns = [
    path("users/", views.users, name="users"),
    path("users/<int:pk>/reset-password", views.user_reset_password, name="reset_password"),
    path("users/<int:pk>/toggle-active", views.user_toggle_active, name="toggle_active"),
]

# Login and logout keep their plain names (settings.LOGIN_URL = "login").
auth_urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
