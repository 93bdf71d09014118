from django.contrib import admin
from django.urls import include, path

from coopnet.common.views import server_error
from coopnet.web import views
from coopnet.web.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("accounts/tokens/", include("coopnet.common.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("notifications/", include("coopnet.notifications.urls")),
    path("opportunities/", include("coopnet.opportunities.urls")),
    path("offerings/", include("coopnet.offerings.urls")),
    path("directory/organisations/", include("coopnet.offerings.urls_directory")),
    path("network/", include("coopnet.network.urls")),
    path("services/", include("coopnet.sharedservices.urls")),
    path("skills/", include("coopnet.mentoring.urls")),
    path("jointbids/", include("coopnet.jointbids.urls")),
    path("books/", include("coopnet.books.urls")),
    path("books/", include("coopnet.books.urls_bankfiles")),
    path("books/", include("coopnet.books.urls_exports")),
    path("", include("coopnet.clients.urls")),
    path("", include("coopnet.directory.urls")),
    path("", views.home, name="home"),
]

#: the 500 page and the API's 500 alike, with the request id (common.views)
handler500 = server_error
