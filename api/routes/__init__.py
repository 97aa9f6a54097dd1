"""Every route handler of the API, one module per area."""
from litestar.types import ControllerRouterHandler

from api.routes.health import live, ready
from api.routes.imports import IMPORTS
from api.routes.me import InvitationController, MeController, calendar_feed
from api.routes.offers import AssignmentController, OfferController
from api.routes.operations import OperationsController
from api.routes.organisations import OrganisationController
from api.routes.region import PlanningDeskController, RegionController
from api.routes.settlements import HoursController, ReportController, SettlementController, TariffController
from api.routes.shifts import ApplicationController, ShiftController
from api.routes.workers import WorkerController

ROUTES: list[ControllerRouterHandler] = [
    live,
    ready,
    OrganisationController,
    IMPORTS,
    WorkerController,
    MeController,
    InvitationController,
    ShiftController,
    ApplicationController,
    OfferController,
    AssignmentController,
    HoursController,
    TariffController,
    SettlementController,
    ReportController,
    OperationsController,
    RegionController,
    PlanningDeskController,
    calendar_feed,
]
