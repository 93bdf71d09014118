"""The JSON API (django-ninja, OpenAPI at /api/docs): each app's router, mounted here, with one
way to authenticate (the browser's session with its CSRF check, or a bearer token) and one way
to answer errors."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

from coopnet.books.api import router as books_router
from coopnet.books.api_exports import router as books_exports_router
from coopnet.clients.api import router as clients_router
from coopnet.common.auth import API_AUTH, API_THROTTLES
from coopnet.common.errors import install_api_handlers
from coopnet.common.token_api import router as tokens_router
from coopnet.directory.api import router as directory_router
from coopnet.jointbids.api import router as jointbids_router
from coopnet.mentoring.api import router as mentoring_router
from coopnet.network.api import router as network_router
from coopnet.notifications.api import router as notifications_router
from coopnet.offerings.api import router as offerings_router
from coopnet.opportunities.api import router as opportunities_router
from coopnet.sharedservices.api import router as services_router
from coopnet.web.openapi import declare_errors


class CoopnetAPI(NinjaAPI):
    """The API, whose schema declares the errors each operation can answer (web/openapi.py)."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return declare_errors(schema)


api = CoopnetAPI(title="coopnet", version="1", auth=API_AUTH, throttle=API_THROTTLES)
install_api_handlers(api)

api.add_router("", directory_router)
api.add_router("/opportunities", opportunities_router)
api.add_router("/offerings", offerings_router)
api.add_router("/network", network_router)
api.add_router("/services", services_router)
api.add_router("/skills", mentoring_router)
api.add_router("/jointbids", jointbids_router)
api.add_router("/books", books_router)
api.add_router("/books", books_exports_router)
api.add_router("", tokens_router)
api.add_router("/notifications", notifications_router)
api.add_router("/clients", clients_router)
