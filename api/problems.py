"""RFC 9457 problem details: one stable `type` per kind of error, a page per type, never a stack trace."""
from __future__ import annotations

import logging
import time
from uuid import UUID

import asyncpg
import msgspec
from litestar import Request, Response, get
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    TooManyRequestsException,
    ValidationException,
)
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import ExceptionHandlersMap

from api.wire import Blocker, ShiftBlockers, blockers_out, per_shift_out
from flexpool.domain import model
from flexpool.domain.vocabulary import ProblemType
from flexpool.services.errors import Conflict, Invalid, ServiceError
from flexpool.services.imports import ImportRefused

log = logging.getLogger("flexpool.api")

MEDIA_TYPE = "application/problem+json"

# slug -> (title, explanation shown at GET /problems/<slug>)
PROBLEMS: dict[str, tuple[str, str]] = {
    "validation": ("Invalid input", "One or more fields are missing or wrong; `errors` lists each with a message."),
    "malformed-request": ("Malformed request", "The body is not valid JSON or not the expected shape."),
    "unauthenticated": ("Not signed in", "The request has no valid bearer token."),
    "forbidden": ("Not allowed", "You are signed in, but your role does not allow this action."),
    "not-found": ("Not found", "The resource does not exist, or you may not see it."),
    "too-large": ("Request too large", "The request body is larger than the service accepts (FLEXPOOL_MAX_BODY_BYTES)."),
    "method-not-allowed": ("Method not allowed", "This path does not accept this HTTP method."),
    "conflict": ("Conflict", "The request conflicts with the current state of the resource."),
    "rate-limited": ("Too many requests", "Slow down; try again after the number of seconds in Retry-After."),
    "idempotency-key-reuse": ("Idempotency key reused", "This Idempotency-Key was used before with another body."),
    "idempotency-in-progress": ("Request in progress", "A request with this Idempotency-Key is still running."),
    "internal": ("Internal error", "Something went wrong on our side; it has been logged. Try again later."),
    "unavailable": ("Service unavailable", "The service cannot reach its database right now."),
    "shift-not-open": ("Shift not open", "The shift is cancelled, already over, or no longer open."),
    "shift-full": ("Shift full", "Every place on this shift has been taken."),
    "not-in-audience": ("Not offered to you yet", "The shift has not reached you yet, or you are not in the pool."),
    "overlap": ("Overlapping work", "You already work at that time, for this or another employer."),
    "rest-period": ("Too little rest", "There must be at least 11 hours of rest between shifts (once a week 8)."),
    "shift-too-long": ("Shift too long", "You may work at most 12 hours in one shift (minors 9)."),
    "week-hours": ("Too many hours this week", "Weekly maximum, averages or weekly rest would be broken."),
    "night-shift-rules": ("Night shift rules", "A rule for night shifts would be broken (length, rest, series)."),
    "qualification": ("Function or BIG", "Your function or BIG registration does not fit this shift."),
    "credential": ("Missing certificate", "A skill, certificate or VOG that the shift needs is missing or expired."),
    "loan-limit": ("Loan limit", "Your employer's monthly limit on work elsewhere would be passed."),
    "excluded": ("Not available", "This shift is not available to you."),
    "cancellation-window": ("Too late to cancel", "Inside the cancellation window only the planner can release you."),
    "other-region": ("Another region", "This person belongs to another region; a user belongs to one region only."),
    "worker-unavailable": ("Worker not available", "The worker cannot work this shift because of other work or "
                                                   "limits; the worker sees why, other organisations do not."),
    "invoice-incomplete": ("Invoice incomplete", "A UBL invoice that the receiver's software accepts (EN 16931, "
                                                 "SI-UBL 2.0) needs the lender's VAT identification number."),
    "month-not-over": ("Month not over", "A month can be closed once its last day has passed."),
    "month-closed": ("Month closed", "This month is closed and never changes; later changes become corrections in "
                                     "the next open month."),
    "hours-unconfirmed": ("Hours unconfirmed", "Some timesheets of the month still wait for the planners (or for "
                                               "their 72 hours); close the month after they are confirmed."),
}


class FieldProblem(msgspec.Struct, omit_defaults=True):
    field: str
    message: str
    row: int | None = None  # imports: the spreadsheet row (the header is row 1)


class Problem(msgspec.Struct, omit_defaults=True):
    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldProblem] | None = None
    blockers: list[Blocker] | None = None
    shifts: list[ShiftBlockers] | None = None  # a refused series accept: the blockers of each shift


def problem_body(slug: str, status: int, detail: str, errors: list[tuple[str, str]] | None = None) -> bytes:
    title = PROBLEMS.get(slug, (slug.replace("-", " ").capitalize(), ""))[0]
    return msgspec.json.encode(Problem(type=f"/problems/{slug}", title=title, status=status, detail=detail,
                                       errors=[FieldProblem(f, m) for f, m in errors] if errors else None))


def problem(slug: str, status: int, detail: str, request: Request | None = None, *,
            errors: list[FieldProblem] | None = None, blockers: list[model.Blocker] | None = None,
            voice: str = "worker", headers: dict[str, str] | None = None,
            per_shift: dict[UUID, list[model.Blocker]] | None = None) -> Response:
    title = PROBLEMS.get(slug, (slug.replace("-", " ").capitalize(), ""))[0]
    body = Problem(type=f"/problems/{slug}", title=title, status=status, detail=detail,
                   instance=request.url.path if request is not None else None,
                   errors=errors,
                   blockers=blockers_out(blockers, _language(request), voice)
                   if blockers else None,
                   shifts=per_shift_out(per_shift, _language(request), voice) if per_shift else None)
    return Response(content=msgspec.json.encode(body), status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _field_errors(exc: ValidationException) -> list[tuple[str, str]]:
    """Every field named with what is wrong: from the strict body decoder (api.input), the query's checks, or
    Litestar's own parameter parsing, which all give `key` and `message`."""
    items = exc.extra if isinstance(exc.extra, list) else []
    return [(str(item.get("key") or "body"), str(item.get("message") or "invalid")) if isinstance(item, dict)
            else ("body", str(item)) for item in items]


def _language(request: Request | None) -> str:
    """The caller's chosen language for words meant for people (blockers); Dutch by default."""
    user = request.scope.get("user") if request is not None else None
    return getattr(user, "language", None) or "nl"


def _field_problems(exc: ServiceError) -> list[FieldProblem] | None:
    """Invalid names fields; a refused import names them by spreadsheet row."""
    if isinstance(exc, Invalid):
        return [FieldProblem(field, message) for field, message in exc.errors]
    if isinstance(exc, ImportRefused):
        return [FieldProblem(field, message, row) for row, field, message in exc.report.errors]
    return None


def handle_service_error(request: Request, exc: ServiceError) -> Response:
    """A refusal (Conflict) is told in the caller's words, with its blockers (per shift for a series)."""
    if isinstance(exc, Conflict):
        detail = exc.wording.words(_language(request), exc.voice) if exc.wording is not None else exc.detail
        return problem(exc.slug, exc.status, detail, request, blockers=exc.blockers, voice=exc.voice,
                       per_shift=exc.per_shift)
    return problem(exc.slug, exc.status, exc.detail, request, errors=_field_problems(exc))


def handle_validation(request: Request, exc: ValidationException) -> Response:
    errors = _field_errors(exc) or [("body", exc.detail or "invalid")]
    return problem(ProblemType.VALIDATION, 422, "; ".join(f"{f}: {m}" for f, m in errors), request,
                   errors=[FieldProblem(f, m) for f, m in errors])


def handle_http(request: Request, exc: HTTPException) -> Response:
    if isinstance(exc, NotAuthorizedException):
        return problem(ProblemType.UNAUTHENTICATED, 401, exc.detail or "Sign in with a bearer token.", request,
                       headers={"WWW-Authenticate": "Bearer"})
    if isinstance(exc, PermissionDeniedException):
        return problem(ProblemType.FORBIDDEN, 403, exc.detail or "Your role does not allow this.", request)
    if isinstance(exc, NotFoundException):
        return problem(ProblemType.NOT_FOUND, 404, "The resource does not exist, or you may not see it.", request)
    if isinstance(exc, TooManyRequestsException):
        headers = dict(exc.headers or {})
        headers["Retry-After"] = str(headers.get("RateLimit-Reset") or headers.get("ratelimit-reset") or 60)
        return problem(ProblemType.RATE_LIMITED, 429, "Too many changes in a short time; try again shortly.", request,
                       headers=headers)
    if exc.status_code == 405:
        return problem(ProblemType.METHOD_NOT_ALLOWED, 405, exc.detail or "Method not allowed.", request,
                       headers=exc.headers)
    if exc.status_code == 400:
        return problem(ProblemType.MALFORMED_REQUEST, 400, exc.detail or "The request could not be read.", request)
    if exc.status_code >= 500:
        log.error("HTTP %s on %s: %s", exc.status_code, request.url.path, exc.detail)
        return problem(ProblemType.INTERNAL, exc.status_code, "Something went wrong on our side.", request)
    slug = {409: "conflict", 415: "malformed-request", 413: "too-large"}.get(exc.status_code, "conflict")
    return problem(slug, exc.status_code, exc.detail or "", request)


def handle_database(request: Request, exc: asyncpg.PostgresError) -> Response:
    """A constraint the domain checks missed is still a client-facing 409/422, not a 500."""
    if isinstance(exc, (asyncpg.UniqueViolationError, asyncpg.ExclusionViolationError)):
        return problem(ProblemType.CONFLICT, 409, "This conflicts with something that already exists.", request)
    if isinstance(exc, (asyncpg.CheckViolationError, asyncpg.ForeignKeyViolationError,
                        asyncpg.NotNullViolationError, asyncpg.DataError)):
        return problem(ProblemType.VALIDATION, 422, "A value is out of range or refers to something unknown.", request,
                       errors=[FieldProblem("body", getattr(exc, "constraint_name", None) or "invalid value")])
    return handle_internal(request, exc)


def handle_overflow(request: Request, exc: OverflowError) -> Response:
    """A date at the edge of the calendar (year 1 or 9999 with an offset) cannot be converted: bad input."""
    log.info("out-of-range value on %s %s: %s", request.method, request.url.path, exc)
    return problem(ProblemType.VALIDATION, 422, "A date or number lies outside the range FlexPool works with.", request,
                   errors=[FieldProblem("body", "a date or number is out of range")])


def handle_internal(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(ProblemType.INTERNAL, HTTP_500_INTERNAL_SERVER_ERROR, "Something went wrong on our side.", request)


# FileNotFoundError: the server's Unix socket is gone while it restarts (the embedded and local setups).
UNAVAILABLE = (
    ConnectionError,
    TimeoutError,
    FileNotFoundError,
    asyncpg.PostgresConnectionError,
    asyncpg.ConnectionDoesNotExistError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
    asyncpg.InternalClientError,
)
_last_outage_log = [0.0]


def handle_unavailable(request: Request, exc: Exception) -> Response:
    """The database is away for a moment (a restart, a failover): 503 with Retry-After, and one log line
    every 10 seconds instead of a traceback per request."""
    now = time.monotonic()
    if now - _last_outage_log[0] > 10:
        _last_outage_log[0] = now
        log.warning("database unavailable (%s: %s); answering 503", type(exc).__name__, exc)
    return problem(ProblemType.UNAVAILABLE, 503, "The service cannot reach its database right now; try again in a moment.",
                   request, headers={"Retry-After": "2"})


def handle_group(request: Request, exc: ExceptionGroup) -> Response:
    """asyncpg tries a server's addresses together and reports all failures as a group: an outage when every
    one of them is one."""
    if all(isinstance(e, UNAVAILABLE) or (isinstance(e, asyncpg.InterfaceError) and "closed" in str(e).lower())
           for e in exc.exceptions):
        return handle_unavailable(request, exc)
    return handle_internal(request, exc)


def handle_interface(request: Request, exc: asyncpg.InterfaceError) -> Response:
    """asyncpg's client-side errors: a connection that the database closed under a transaction is an outage
    (503); anything else is a bug (500)."""
    text = str(exc).lower()
    if "closed" in text or "released back to the pool" in text:  # seen only while the database restarts
        return handle_unavailable(request, exc)
    return handle_internal(request, exc)


def handle_too_deep(request: Request, exc: RecursionError) -> Response:
    """JSON nested deeper than any FlexPool shape: the decoder gives up; the client gets a 400."""
    return problem(ProblemType.MALFORMED_REQUEST, 400, "The body is nested too deeply to be a FlexPool request.", request)


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    ServiceError: handle_service_error,
    ValidationException: handle_validation,
    HTTPException: handle_http,
    asyncpg.PostgresError: handle_database,
    OverflowError: handle_overflow,
    RecursionError: handle_too_deep,
    asyncpg.InterfaceError: handle_interface,
    ExceptionGroup: handle_group,
    **{kind: handle_unavailable for kind in UNAVAILABLE},
    Exception: handle_internal,
}


class ProblemPage(msgspec.Struct):
    type: str
    title: str
    explanation: str


@get("/problems/{slug:str}", exclude_from_auth=True, tags=["problems"], summary="Explain a problem type")
async def problem_page(slug: str) -> ProblemPage:
    if slug not in PROBLEMS:
        raise NotFoundException()
    title, explanation = PROBLEMS[slug]
    return ProblemPage(type=f"/problems/{slug}", title=title, explanation=explanation)
