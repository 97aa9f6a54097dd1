"""Who a wave of a shift reaches: a cheap SQL prefilter of the checks of an accept (pool, ladder, skills,
exclusions, distance, BIG and VOG on file, no overlapping work). The full working-time checks run when
the worker opens the offer and again at accept."""
from __future__ import annotations

AUDIENCE = """
SELECT w.user_id FROM workers w
WHERE w.region_id = $1 AND w.opted_in
  AND w.function = ANY($2::text[])
  AND w.skills @> $3::text[]
  AND CASE $4::text WHEN 'organisation' THEN w.organisation_id = $5
                    WHEN 'partners' THEN w.organisation_id = ANY($6::uuid[])
                    ELSE w.organisation_id <> $5 AND NOT (w.organisation_id = ANY($6::uuid[])) END
  AND NOT EXISTS (SELECT 1 FROM worker_excluded_organisations e WHERE e.worker_id = w.id AND e.organisation_id = $5)
  AND NOT EXISTS (SELECT 1 FROM blocked_workers b WHERE b.worker_id = w.id AND b.organisation_id = $5)
  AND (w.max_travel_km IS NULL OR w.home_latitude IS NULL OR $7::float8 IS NULL OR
       2 * 6371.0088 * asin(sqrt(power(sin(radians($7 - w.home_latitude) / 2), 2) + cos(radians(w.home_latitude))
           * cos(radians($7)) * power(sin(radians($8 - w.home_longitude) / 2), 2))) <= w.max_travel_km)
  AND NOT EXISTS (SELECT 1 FROM roster_blocks r WHERE r.worker_id = w.id AND r.starts_at < $10 AND r.ends_at > $9)
  AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.worker_id = w.id AND a.status = 'booked'
                  AND a.starts_at < $10 AND a.ends_at > $9)
  AND EXISTS (SELECT 1 FROM credentials c WHERE c.worker_id = w.id AND c.kind = 'vog')
  AND (NOT $11::boolean OR EXISTS (SELECT 1 FROM credentials c WHERE c.worker_id = w.id AND c.kind = 'big'
                                   AND (c.valid_until IS NULL OR c.valid_until >= $12::date)))
"""


async def reached(conn, shift, tier: str, *, functions: list[str], partner_ids: list, needs_big: bool, day) -> list:
    rows = await conn.fetch(AUDIENCE, shift["region_id"], functions, list(shift["skills"]), tier,
                            shift["organisation_id"], partner_ids, shift["site_latitude"], shift["site_longitude"],
                            shift["starts_at"], shift["ends_at"], needs_big, day)
    return [r["user_id"] for r in rows]
