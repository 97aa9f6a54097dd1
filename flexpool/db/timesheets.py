"""Timesheets (urenregistratie) of assignments, as the borrowing organisation's planners see them."""
from __future__ import annotations

LIST = """
SELECT a.id AS assignment_id, a.shift_id, a.worker_id, a.organisation_id, a.home_organisation_id,
       a.starts_at, a.ends_at, a.break_minutes, u.name AS worker_name, h.name AS home_organisation_name,
       s.function, si.name AS site_name,
       t.started_at, t.ended_at, t.break_minutes AS worked_break, t.no_show, t.worked_minutes, t.auto,
       t.confirmed_at
FROM assignments a
JOIN shifts s ON s.id = a.shift_id JOIN sites si ON si.id = s.site_id
JOIN workers w ON w.id = a.worker_id JOIN users u ON u.id = w.user_id
JOIN organisations h ON h.id = a.home_organisation_id
LEFT JOIN timesheets t ON t.assignment_id = a.id
WHERE a.organisation_id = ANY($1::uuid[]) AND a.status = 'booked'
  AND a.starts_at >= $2 AND a.starts_at < $3 AND a.starts_at <= $4
  AND ($5::text = 'all' OR ($5 = 'unconfirmed') = (t.assignment_id IS NULL))
  AND ($6::timestamptz IS NULL OR (a.starts_at, a.id) > ($6, $7::uuid))
ORDER BY a.starts_at, a.id
LIMIT $8
"""


async def for_organisations(conn, organisation_ids, lo, hi, now, state: str, after, limit: int):
    """Booked assignments that have started, with their timesheet if any; `state`: unconfirmed, confirmed, all."""
    after_at, after_id = after if after else (None, None)
    return await conn.fetch(LIST, list(organisation_ids), lo, hi, now, state, after_at, after_id, limit)
