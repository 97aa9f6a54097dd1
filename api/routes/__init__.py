"""Every route handler of the API, one module per area."""
from api.routes.health import live, ready
from api.routes.me import MeController
from api.routes.organisations import OrganisationController
from api.routes.workers import WorkerController

ROUTES = [live, ready, OrganisationController, WorkerController, MeController]
