"""Development tokens (HS256 with FLEXPOOL_JWT_SECRET); production uses the OIDC issuer's tokens."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt


def issue(secret: str, subject: str, *, hours: int = 12, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return jwt.encode({"sub": subject, "iat": now, "exp": now + timedelta(hours=hours), "iss": "flexpool-dev"},
                      secret, algorithm="HS256")
