from django.urls import path

from nofu.calllists import views

app_name = "calllists"
urlpatterns = [
    path("", views.index, name="index"),
    path("new", views.build, name="build"),
    path("<int:pk>/new", views.new_version, name="new_version"),
    path("versions/<int:pk>", views.version, name="version"),
    path("versions/<int:pk>/publish", views.publish, name="publish"),
    path("versions/<int:pk>/retire", views.retire, name="retire"),
    path("sessions/", views.sessions_now, name="sessions_now"),
    path("sessions/<int:year>/<int:month>", views.sessions, name="sessions"),
    path("targets", views.target, name="target"),
    path("mine", views.mine, name="mine"),
    path("mine/next", views.mine_next, name="mine_next"),
    path("mine/release", views.mine_release, name="mine_release"),
    path("followups", views.followups, name="followups"),
    path("board", views.board_page, name="board"),
    path("board/stream", views.board_stream, name="board_stream"),
]
