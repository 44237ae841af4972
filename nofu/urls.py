from django.urls import include, path

from nofu import views
from nofu.accounts.urls import auth_urlpatterns

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    *auth_urlpatterns,
    path("", include("nofu.accounts.urls")),
    path("audit/", include("nofu.audit.urls")),
    path("payers/", include("nofu.payers.urls")),
    path("intake/", include("nofu.intake.urls")),
    path("charges/", include("nofu.charges.urls")),
    path("calls/", include("nofu.calls.urls")),
    path("reports/", include("nofu.reports.urls")),
    path("telephony/", include("nofu.telephony.urls")),
    path("api/telephony/", include("nofu.telephony.api_urls")),
    path("lists/", include("nofu.calllists.urls")),
    path("matching/", include("nofu.matching.urls")),
]

handler403 = "nofu.views.forbidden"
handler404 = "nofu.views.not_found"
handler500 = "nofu.views.server_error"
