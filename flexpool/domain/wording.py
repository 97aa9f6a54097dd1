"""Why a worker cannot take a shift, in the worker's language (Dutch by default, English when chosen).

The rules name a reason and its numbers; this table turns them into a sentence a care worker understands.
No sentence names another organisation, its roster or its shifts.
"""
from __future__ import annotations

LANGUAGES = ("nl", "en")

# reason -> {language: template}; templates use str.format with the blocker's params.
BLOCKER_TEXT: dict[str, dict[str, str]] = {
    "not-open": {
        "nl": "Deze dienst staat niet meer open.",
        "en": "This shift is no longer open."},
    "full": {
        "nl": "Iemand was je net voor: alle plekken zijn bezet.",
        "en": "Someone else was just ahead of you: every place is taken."},
    "opted-out": {
        "nl": "Je neemt nu geen extra diensten aan (zie je voorkeuren).",
        "en": "You are not taking extra shifts right now (see your preferences)."},
    "too-far": {
        "nl": "Deze dienst is verder weg dan de afstand die je hebt ingesteld.",
        "en": "This shift is further away than the distance you set."},
    "not-reached-yet": {
        "nl": "Deze dienst staat nog niet voor jou open; eerst is het eigen team aan de beurt.",
        "en": "This shift is not open to you yet; it is offered to its own team first."},
    "worker-not-in-pool": {
        "nl": "Deze medewerker doet nu niet mee aan de flexpool.",
        "en": "This worker is not in the pool right now."},
    "unavailable": {
        "nl": "Je bent op dat moment niet beschikbaar door ander werk of de grenzen van je werkgever.",
        "en": "You are not available then because of other work or your employer's limits."},
    "already-booked": {
        "nl": "Je staat al ingepland op deze dienst.",
        "en": "You are already booked on this shift."},
    "overlap": {
        "nl": "Je werkt op dat moment al.",
        "en": "You already work at this time."},
    "rest-minor": {
        "nl": "Tussen twee diensten heb je minstens {hours} uur rust nodig (onder de 18).",
        "en": "Between two shifts you need at least {hours} hours of rest (under 18)."},
    "rest-short-used": {
        "nl": "Je had deze week al een kortere rust ({short} tot {hours} uur); tussen deze diensten heb je {hours} uur "
              "rust nodig.",
        "en": "You already had a shorter rest ({short} to {hours} hours) this week; between these shifts you need "
              "{hours} hours of rest."},
    "rest": {
        "nl": "Er zou minder dan {hours} uur rust zitten tussen deze dienst en een andere dienst.",
        "en": "There would be less than {hours} hours of rest between this shift and another one."},
    "too-long-together": {
        "nl": "Samen met je andere werk direct ervoor of erna zou je meer dan {hours} uur achter elkaar werken.",
        "en": "Together with your other work right before or after it, this would be more than {hours} hours "
              "of work in one go."},
    "too-long": {
        "nl": "Deze dienst is langer dan de {hours} uur die je achter elkaar mag werken.",
        "en": "This shift is longer than the {hours} hours you may work at once."},
    "week-maximum": {
        "nl": "Je zou dan meer dan {hours} uur werken in de week van {week}, bij al je werkgevers samen.",
        "en": "This would make more than {hours} hours of work in the week of {week}, counting all your "
              "employers."},
    "week-average": {
        "nl": "Je zou dan gemiddeld meer dan {hours} uur per week werken over {weeks} weken, bij al je "
              "werkgevers samen.",
        "en": "On average this would be more than {hours} hours a week over {weeks} weeks, counting all your "
              "employers."},
    "weekly-rest": {
        "nl": "In de week van {week} heb je minstens {hours} uur achter elkaar vrij nodig; deze dienst neemt dat "
              "weg.",
        "en": "You need at least {hours} hours off in a row in the week of {week}; this shift would take that away."},
    "minor-night": {
        "nl": "Onder de 18 mag je niet werken tussen 23:00 en 06:00.",
        "en": "Under 18 you may not work between 23:00 and 06:00."},
    "nights-from-55": {
        "nl": "Vanaf 55 jaar werk je alleen nachten als je dat in je voorkeuren hebt aangegeven.",
        "en": "From 55 you only work nights if you said so in your preferences."},
    "night-too-long": {
        "nl": "Een nachtdienst mag hoogstens {hours} uur duren.",
        "en": "A night shift may be at most {hours} hours."},
    "rest-after-night": {
        "nl": "Na een nachtdienst die na 02:00 eindigt heb je {hours} uur rust nodig.",
        "en": "After a night shift that ends after 02:00 you need {hours} hours of rest."},
    "rest-after-night-series": {
        "nl": "Na {nights} of meer nachten achter elkaar heb je {hours} uur rust nodig.",
        "en": "After {nights} or more nights in a row you need {hours} hours of rest."},
    "series-length": {
        "nl": "Hoogstens {count} diensten achter elkaar als er een nachtdienst bij zit.",
        "en": "At most {count} shifts in a row when one of them is a night."},
    "late-nights": {
        "nl": "Hoogstens {count} nachtdiensten in 16 weken.",
        "en": "At most {count} night shifts in 16 weeks."},
    "function": {
        "nl": "Voor deze dienst is {function} nodig; je functie past daar niet bij.",
        "en": "This shift asks for {function}; your function does not match it."},
    "big": {
        "nl": "Voor deze dienst is een BIG-registratie nodig die op die dag geldig is.",
        "en": "This shift needs a BIG registration that is valid on the day."},
    "student-supervision": {
        "nl": "Als student heb je begeleiding nodig van minstens {function}; op deze dienst begeleidt {supervisor}.",
        "en": "As a student you need supervision by at least {function}; on this shift {supervisor} supervises."},
    "students-not-welcome": {
        "nl": "Deze dienst staat niet open voor studenten.",
        "en": "This shift is not open to students."},
    "skill": {
        "nl": "Voor deze dienst is de bekwaamheid '{skill}' nodig.",
        "en": "This shift needs the skill '{skill}'."},
    "certificate": {
        "nl": "Je bewijs voor '{skill}' ontbreekt of is op die dag niet geldig.",
        "en": "Your certificate for '{skill}' is missing or not valid on the day."},
    "vog": {
        "nl": "Er is een Verklaring Omtrent het Gedrag (VOG) nodig; vraag je werkgever die toe te voegen.",
        "en": "A certificate of conduct (VOG) is needed; ask your employer to add it."},
    "loan-limit": {
        "nl": "Je werkgever heeft een grens aan extra uren elders per maand; die zou je overschrijden.",
        "en": "Your employer's limit on extra hours elsewhere this month would be passed."},
    "excluded": {
        "nl": "Deze dienst is niet voor jou beschikbaar.",
        "en": "This shift is not available to you."},
    "cancellation-window": {
        "nl": "Minder dan {hours} uur voor het begin kun je niet meer zelf afzeggen; bel de planner van "
              "{organisation}, die je kan vrijgeven.",
        "en": "Less than {hours} hours before the start you cannot cancel yourself; call the planner of "
              "{organisation}, who can release you."},
    # Other refusals a worker meets in the app (problem type `conflict`).
    "application-approved": {
        "nl": "Deze aanmelding is al goedgekeurd.",
        "en": "This application was already approved."},
    "application-declined": {
        "nl": "Deze aanmelding is al afgewezen.",
        "en": "This application was already declined."},
    "application-withdrawn": {
        "nl": "Deze aanmelding is al ingetrokken.",
        "en": "This application was already withdrawn."},
    "assignment-cancelled": {
        "nl": "Deze inzet is al geannuleerd.",
        "en": "This assignment is already cancelled."},
    "shift-over": {
        "nl": "Deze dienst is al voorbij; de planner bevestigt nu de gewerkte uren.",
        "en": "This shift is over; the planner confirms the hours worked instead."},
    "part-of-series": {
        "nl": "Deze dienst hoort bij een reeks; je neemt de hele reeks aan of niets.",
        "en": "This shift is part of a series; you take the whole series or none of it."},
    "secondment": {
        "nl": "Dit kan niet in deze stand van de detachering.",
        "en": "This is not possible in the secondment's current state."},
}


# The same refusals told to a planner who books or approves a worker: about the worker, and no more about
# the worker's other employers than the kind of rule it is.
PLANNER_TEXT: dict[str, dict[str, str]] = {
    "shift-not-open": {
        "nl": "Deze dienst staat niet meer open.",
        "en": "This shift is no longer open."},
    "shift-full": {
        "nl": "Alle plekken van deze dienst zijn al bezet.",
        "en": "Every place on this shift is already taken."},
    "not-in-audience": {
        "nl": "Deze medewerker doet nu niet mee aan de flexpool.",
        "en": "This worker is not in the pool right now."},
    "unavailable": {
        "nl": "Deze medewerker is dan niet beschikbaar (door ander werk of de grenzen van de eigen werkgever).",
        "en": "This worker is not available then (other work, or the limits of their own employer)."},
    "already-booked": {
        "nl": "Deze medewerker staat al ingepland op deze dienst.",
        "en": "This worker is already booked on this shift."},
    "overlap": {
        "nl": "De medewerker werkt op dat moment al.",
        "en": "The worker already works at that time."},
    "rest-period": {
        "nl": "De medewerker zou te weinig rust hebben tussen twee diensten (bij alle werkgevers samen).",
        "en": "The worker would get too little rest between two shifts (counting all employers)."},
    "shift-too-long": {
        "nl": "De medewerker zou dan meer dan {hours} uur achter elkaar werken.",
        "en": "The worker would then work more than {hours} hours in one go."},
    "week-hours": {
        "nl": "De medewerker zou boven de grenzen voor uren per week of de wekelijkse rust komen (bij alle "
              "werkgevers samen).",
        "en": "The worker would pass the limits on weekly hours or weekly rest (counting all employers)."},
    "night-shift-rules": {
        "nl": "Voor deze medewerker zou een regel voor nachtdiensten worden overtreden.",
        "en": "A rule for night shifts would be broken for this worker."},
    "function": {
        "nl": "Voor deze dienst is {function} nodig; de functie van de medewerker past daar niet bij.",
        "en": "This shift asks for {function}; the worker's function does not match it."},
    "big": {
        "nl": "De medewerker heeft geen BIG-registratie die op die dag geldig is.",
        "en": "The worker has no BIG registration valid on the day."},
    "student-supervision": {
        "nl": "De student heeft begeleiding nodig van minstens {function}; op deze dienst begeleidt {supervisor}.",
        "en": "The student needs supervision by at least {function}; on this shift {supervisor} supervises."},
    "students-not-welcome": {
        "nl": "Deze medewerker is student; deze dienst staat niet open voor studenten.",
        "en": "This worker is a student; this shift is not open to students."},
    "skill": {
        "nl": "De medewerker heeft de bekwaamheid '{skill}' niet.",
        "en": "The worker does not have the skill '{skill}'."},
    "certificate": {
        "nl": "Het bewijs van de medewerker voor '{skill}' ontbreekt of is op die dag niet geldig.",
        "en": "The worker's certificate for '{skill}' is missing or not valid on the day."},
    "vog": {
        "nl": "Van de medewerker is geen geldige VOG bekend.",
        "en": "No valid certificate of conduct (VOG) is on file for the worker."},
    "loan-limit": {
        "nl": "De werkgever van de medewerker heeft een grens aan uitlenen per maand; die zou worden overschreden.",
        "en": "The worker's employer limits lending per month; this would pass it."},
    "excluded": {
        "nl": "Deze medewerker is niet beschikbaar voor jouw organisatie.",
        "en": "This worker is not available to your organisation."},
}


def blocker_text(blocker_type: str, reason: str, params: dict[str, str | int], language: str,
                 voice: str = "worker") -> str:
    """The worker hears the precise reason; the planner hears it by reason where that is the planner's
    business (function, skills), else by kind of rule."""
    if voice == "planner" and (reason in PLANNER_TEXT or blocker_type in PLANNER_TEXT):
        texts = PLANNER_TEXT.get(reason) or PLANNER_TEXT[blocker_type]
    else:
        texts = BLOCKER_TEXT[reason]
    return texts.get(language, texts["nl"]).format(**params)
