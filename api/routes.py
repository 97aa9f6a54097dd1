"""Every route handler of the API, one module per area."""
from litestar.types import ControllerRouterHandler

from api.hours.routes import HoursController
from api.me.routes import InvitationController, MeController, calendar_feed
from api.offers.routes import AssignmentController, OfferController
from api.operations.health import live, ready
from api.operations.routes import OperationsController
from api.organisations.imports import IMPORTS
from api.organisations.routes import OrganisationController
from api.organisations.workers import WorkerController
from api.region.routes import PlanningDeskController, RegionController
from api.secondments.routes import SecondmentController
from api.series.routes import SeriesController
from api.settlements.routes import ReportController, SettlementController, TariffController
from api.shifts.routes import ApplicationController, ShiftController

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
    SeriesController,
    SecondmentController,
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
