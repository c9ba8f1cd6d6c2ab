from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from songnuan import views
from songnuan.accounts import views as account_views
from songnuan.api.main import api
from songnuan.observability.views import metrics_view

urlpatterns = [
    # First: the public report API is the busiest path, and Django tries patterns in order.
    path("api/v1/", api.urls),
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    path("readyz", views.readyz, name="readyz"),
    path("tiles/<int:z>/<int:x>/<int:y>", views.map_tile, name="map_tile"),
    path("login/", account_views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("songnuan.accounts.urls")),
    path("people/", include("songnuan.people.urls")),
    path("shelter/", include("songnuan.shelter.urls")),
    path("", include("songnuan.notify.urls")),
    path("", include("songnuan.network.urls")),
    path("", include("songnuan.tracing.urls")),
    path("weather/", include("songnuan.weather.urls")),
    path("admin/", admin.site.urls),
    path("", include("songnuan.leads.urls")),
    path("outreach/", include("songnuan.outreach.urls")),
    path("places/", include("songnuan.places.urls")),
    path("duty/", include("songnuan.duty.urls")),
    path("incidents/", include("songnuan.incidents.urls")),
    path("cases/", include("songnuan.cases.urls")),
    path("supplies/", include("songnuan.supplies.urls")),
    path("cameras/", include("songnuan.cameras.urls")),
    path("hotline/", include("songnuan.hotline.urls")),
    path("analytics/", include("songnuan.analytics.urls")),
]

handler403 = "songnuan.views.permission_denied"
handler404 = "songnuan.views.page_not_found"
handler500 = "songnuan.views.server_error"
