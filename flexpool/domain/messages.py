"""What a push says, in Dutch by default and in English when the user chose it."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flexpool.domain.catalogue import DEFAULT as CATALOGUE
from flexpool.domain.clock import local

DAYS = {"nl": ["ma", "di", "wo", "do", "vr", "za", "zo"], "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]}
MONTHS = {"nl": ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
          "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]}

TITLES = {
    "offer": ("Nieuwe dienst", "New shift"),
    "booked": ("Je bent ingepland", "You are booked"),
    "approved": ("Aanmelding goedgekeurd", "Application approved"),
    "declined": ("Aanmelding afgewezen", "Application declined"),
    "released": ("Dienst geannuleerd voor jou", "You were released from a shift"),
    "shift-cancelled": ("Dienst geannuleerd", "Shift cancelled"),
    "application": ("Nieuwe aanmelding", "New application"),
    "accepted": ("Dienst aangenomen", "Shift accepted"),
    "withdrawn": ("Aanmelding ingetrokken", "Application withdrawn"),
    "worker-cancelled": ("Medewerker heeft afgezegd", "Worker cancelled"),
    "reminder": ("Je dienst begint over 12 uur", "Your shift starts in 12 hours"),
    "hours-to-confirm": ("Uren bevestigen", "Confirm the hours"),
    "credential-expiry": ("Bewijs verloopt binnenkort", "Certificate expires soon"),
    "still-open": ("Spoeddienst nog open", "Urgent shift still open"),
    "secondment-proposed": ("Voorstel detachering", "Secondment proposed"),
    "secondment-active": ("Detachering gaat door", "Secondment agreed"),
    "secondment-declined": ("Detachering afgewezen", "Secondment declined"),
    "secondment-ended": ("Detachering eerder beëindigd", "Secondment ended early"),
    "secondment-roster": ("Rooster detachering gewijzigd", "Secondment roster changed"),
}


def when(starts_at: datetime, ends_at: datetime, language: str) -> str:
    s, e = local(starts_at), local(ends_at)
    lang = language if language in DAYS else "nl"
    return f"{DAYS[lang][s.weekday()]} {s.day} {MONTHS[lang][s.month - 1]} {s:%H:%M}–{e:%H:%M}"


def shift_line(data: dict[str, Any], language: str) -> str:
    function = CATALOGUE.functions.get(data.get("function", ""))
    parts = [when(datetime.fromisoformat(data["startsAt"]), datetime.fromisoformat(data["endsAt"]), language)]
    if function:
        parts.append(function.label)
    if data.get("siteName"):
        parts.append(data["siteName"])
    return ", ".join(parts)


def render(kind: str, data: dict[str, Any], language: str, folded: int = 1) -> tuple[str, str]:
    """(title, body) of one notification; `folded` > 1 when several offers go out as one."""
    en = language == "en"
    if kind == "offer" and folded > 1:
        return (f"{folded} new shifts" if en else f"{folded} nieuwe diensten",
                "Open the app to see them." if en else "Open de app om ze te bekijken.")
    title = TITLES.get(kind, (kind, kind))[1 if en else 0]
    if kind == "offer" and data.get("seriesShifts"):
        count = data["seriesShifts"]
        return (f"New series of {count} shifts, from {shift_line(data, language)}" if en else
                f"Nieuwe reeks van {count} diensten, vanaf {shift_line(data, language)}"), \
            ("Tap to see the series; you take all of it or none." if en else
             "Tik om de reeks te bekijken; je neemt alles aan of niets.")
    if kind == "offer":
        return f"{title}: {shift_line(data, language)}", \
            ("Tap to see the shift and accept." if en else "Tik om de dienst te bekijken en aan te nemen.")
    if kind == "credential-expiry":
        return title, (f"{data.get('kind', '').upper()} valid until {data.get('validUntil')}" if en else
                       f"{data.get('kind', '').upper()} geldig tot {data.get('validUntil')}")
    if kind == "still-open":
        places = data.get("placesOpen", 1)
        return title, (f"{data.get('organisationName', '')}: {places} place(s) open, {shift_line(data, language)}"
                       if en else f"{data.get('organisationName', '')}: nog {places} plek(ken) open, "
                                  f"{shift_line(data, language)}")
    if kind.startswith("secondment-"):
        return title, (f"{data.get('workerName', '')} · {data.get('borrowerName', '')} · "
                       f"{data.get('from', '')} – {data.get('to', '')}")
    if "startsAt" in data:
        body = shift_line(data, language)
        if data.get("workerName"):
            body = f"{data['workerName']} · {body}"
        if data.get("reason"):
            body += f" ({data['reason']})"
        return title, body
    return title, ""
