"""FlexPool's words, each set in one place: the values the database's CHECK constraints, the API's enums and
the rules share. A StrEnum is its value (`Role.PLANNER == "planner"`), so rows read from PostgreSQL and
JSON written by clients compare equal to these without conversion, and msgspec writes them as the string.

Written as tables (the functional API, which mypy and the OpenAPI generator read like class statements).
"""
from __future__ import annotations

from enum import StrEnum

Role = StrEnum("Role", [
    ("COORDINATOR", "coordinator"), ("REGION_PLANNER", "regionPlanner"), ("ORG_ADMIN", "orgAdmin"),
    ("PLANNER", "planner"), ("FINANCE", "finance"), ("WORKER", "worker")
])


# vvt: verpleeg-, verzorgingshuizen en thuiszorg
# ghz: gehandicaptenzorg
OrganisationKind = StrEnum("OrganisationKind", [("VVT", "vvt"), ("GHZ", "ghz"), ("WELZIJN", "welzijn")])


Cao = StrEnum("Cao", [("VVT", "vvt"), ("GHZ", "ghz"), ("SOCIAAL_WERK", "sociaal-werk")])


# instant: the first eligible accept books
# approval: an accept is an application the planner approves
BookingMode = StrEnum("BookingMode", [("INSTANT", "instant"), ("APPROVAL", "approval")])


# completed: shown, never stored: its end has passed
ShiftStatus = StrEnum("ShiftStatus", [
    ("OPEN", "open"), ("FILLED", "filled"), ("CANCELLED", "cancelled"), ("COMPLETED", "completed")
])


AssignmentStatus = StrEnum("AssignmentStatus", [("BOOKED", "booked"), ("CANCELLED", "cancelled")])


ApplicationStatus = StrEnum("ApplicationStatus", [
    ("PENDING", "pending"), ("APPROVED", "approved"), ("DECLINED", "declined"), ("WITHDRAWN", "withdrawn")
])


InvitationKind = StrEnum("InvitationKind", [("MEMBER", "member"), ("WORKER", "worker")])


InvitationStatus = StrEnum("InvitationStatus", [
    ("PENDING", "pending"), ("ACCEPTED", "accepted"), ("DECLINED", "declined"), ("REVOKED", "revoked")
])


# How far a shift's offer has gone: its own organisation, its partners, the whole region.
Tier = StrEnum("Tier", [
    ("ORGANISATION", "organisation"), ("PARTNERS", "partners"), ("REGION", "region"),
    ("REOPENED", "reopened")
])


NotificationKind = StrEnum("NotificationKind", [
    # to workers (an expiring credential also to their employer's admins): offers, and what became of their bookings
    ("OFFER", "offer"), ("BOOKED", "booked"), ("APPROVED", "approved"), ("DECLINED", "declined"), ("RELEASED", "released"),
    ("SHIFT_CANCELLED", "shift-cancelled"), ("REMINDER", "reminder"), ("CREDENTIAL_EXPIRY", "credential-expiry"),
    # to planners: what workers did, hours waiting for them, a shift nobody took yet
    ("APPLICATION", "application"), ("ACCEPTED", "accepted"), ("WITHDRAWN", "withdrawn"),
    ("WORKER_CANCELLED", "worker-cancelled"), ("HOURS_TO_CONFIRM", "hours-to-confirm"), ("STILL_OPEN", "still-open"),
    # to the three parties of a secondment
    ("SECONDMENT_PROPOSED", "secondment-proposed"), ("SECONDMENT_ACTIVE", "secondment-active"),
    ("SECONDMENT_DECLINED", "secondment-declined"), ("SECONDMENT_ENDED", "secondment-ended"),
    ("SECONDMENT_ROSTER", "secondment-roster")
])


# recorded: kept for the in-app list; the user has no device or asked for the digest
# folded: went out inside another notification
NotificationStatus = StrEnum("NotificationStatus", [
    ("PENDING", "pending"), ("SENDING", "sending"), ("SENT", "sent"), ("RECORDED", "recorded"),
    ("FOLDED", "folded"), ("DEAD", "dead"), ("EXPIRED", "expired")
])


LineKind = StrEnum("LineKind", [
    ("WORK", "work"), ("LATE_CANCELLATION", "late-cancellation"), ("CORRECTION", "correction"),
    ("SECONDMENT", "secondment")
])


# proposed: the borrower asked; active: the lender's orgAdmin and the worker both approved;
# declined: one of them said no; ended: its last day has been set (early, or as agreed) and has passed or will
SecondmentStatus = StrEnum("SecondmentStatus", [
    ("PROPOSED", "proposed"), ("ACTIVE", "active"), ("DECLINED", "declined"), ("ENDED", "ended")
])


# absolute: elapsed time: a night across the October change lasts 9 hours
# clock-face: the hours on the clock, as some payroll systems count
SettleHours = StrEnum("SettleHours", [("ABSOLUTE", "absolute"), ("CLOCK_FACE", "clock-face")])


Language = StrEnum("Language", [("NL", "nl"), ("EN", "en")])


Digest = StrEnum("Digest", [("NONE", "none"), ("DAILY", "daily")])


Platform = StrEnum("Platform", [("ANDROID", "android"), ("IOS", "ios"), ("WEB", "web")])


# Why an accept is refused, as a problem type; in this order a refusal lists them (CONTRACT.md).
BlockerType = StrEnum("BlockerType", [
    ("SHIFT_NOT_OPEN", "shift-not-open"), ("SHIFT_FULL", "shift-full"),
    ("NOT_IN_AUDIENCE", "not-in-audience"), ("UNAVAILABLE", "unavailable"), ("OVERLAP", "overlap"),
    ("REST_PERIOD", "rest-period"), ("SHIFT_TOO_LONG", "shift-too-long"), ("WEEK_HOURS", "week-hours"),
    ("NIGHT_SHIFT_RULES", "night-shift-rules"), ("QUALIFICATION", "qualification"),
    ("CREDENTIAL", "credential"), ("LOAN_LIMIT", "loan-limit"), ("EXCLUDED", "excluded")
])


# The precise reason inside a blocker: each has words in Dutch and English (flexpool.domain.wording).
Reason = StrEnum("Reason", [
    ("NOT_OPEN", "not-open"), ("FULL", "full"), ("OPTED_OUT", "opted-out"), ("TOO_FAR", "too-far"),
    ("NOT_REACHED_YET", "not-reached-yet"), ("WORKER_NOT_IN_POOL", "worker-not-in-pool"),
    ("UNAVAILABLE", "unavailable"), ("ALREADY_BOOKED", "already-booked"), ("OVERLAP", "overlap"),
    ("REST_MINOR", "rest-minor"), ("REST_SHORT_USED", "rest-short-used"), ("REST", "rest"),
    ("TOO_LONG_TOGETHER", "too-long-together"), ("TOO_LONG", "too-long"), ("WEEK_MAXIMUM", "week-maximum"),
    ("WEEK_AVERAGE", "week-average"), ("WEEKLY_REST", "weekly-rest"), ("MINOR_NIGHT", "minor-night"),
    ("NIGHTS_FROM_55", "nights-from-55"), ("NIGHT_TOO_LONG", "night-too-long"),
    ("REST_AFTER_NIGHT", "rest-after-night"), ("REST_AFTER_NIGHT_SERIES", "rest-after-night-series"),
    ("SERIES_LENGTH", "series-length"), ("LATE_NIGHTS", "late-nights"), ("FUNCTION", "function"),
    ("BIG", "big"), ("SKILL", "skill"), ("CERTIFICATE", "certificate"), ("VOG", "vog"),
    ("LOAN_LIMIT", "loan-limit"), ("EXCLUDED", "excluded"), ("CANCELLATION_WINDOW", "cancellation-window"),
    ("APPLICATION_APPROVED", "application-approved"), ("APPLICATION_DECLINED", "application-declined"),
    ("APPLICATION_WITHDRAWN", "application-withdrawn"), ("ASSIGNMENT_CANCELLED", "assignment-cancelled"),
    ("SHIFT_OVER", "shift-over"), ("STUDENT_SUPERVISION", "student-supervision"),
    ("STUDENTS_NOT_WELCOME", "students-not-welcome"), ("PART_OF_SERIES", "part-of-series"),
    ("SECONDMENT", "secondment")
])


# Every `type` of an application/problem+json answer (`/problems/<value>`, each with a page there).
ProblemType = StrEnum("ProblemType", [
    ("VALIDATION", "validation"), ("MALFORMED_REQUEST", "malformed-request"),
    ("UNAUTHENTICATED", "unauthenticated"), ("FORBIDDEN", "forbidden"), ("NOT_FOUND", "not-found"),
    ("TOO_LARGE", "too-large"), ("METHOD_NOT_ALLOWED", "method-not-allowed"), ("CONFLICT", "conflict"),
    ("RATE_LIMITED", "rate-limited"), ("IDEMPOTENCY_KEY_REUSE", "idempotency-key-reuse"),
    ("IDEMPOTENCY_IN_PROGRESS", "idempotency-in-progress"), ("INTERNAL", "internal"),
    ("UNAVAILABLE", "unavailable"), ("SHIFT_NOT_OPEN", "shift-not-open"), ("SHIFT_FULL", "shift-full"),
    ("NOT_IN_AUDIENCE", "not-in-audience"), ("OVERLAP", "overlap"), ("REST_PERIOD", "rest-period"),
    ("SHIFT_TOO_LONG", "shift-too-long"), ("WEEK_HOURS", "week-hours"),
    ("NIGHT_SHIFT_RULES", "night-shift-rules"), ("QUALIFICATION", "qualification"),
    ("CREDENTIAL", "credential"), ("LOAN_LIMIT", "loan-limit"), ("EXCLUDED", "excluded"),
    ("CANCELLATION_WINDOW", "cancellation-window"), ("OTHER_REGION", "other-region"),
    ("WORKER_UNAVAILABLE", "worker-unavailable"), ("INVOICE_INCOMPLETE", "invoice-incomplete"),
    ("MONTH_NOT_OVER", "month-not-over"), ("MONTH_CLOSED", "month-closed"),
    ("HOURS_UNCONFIRMED", "hours-unconfirmed")
])
