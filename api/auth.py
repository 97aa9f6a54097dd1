"""Bearer JWT authentication: HS256 with the shared secret (development) or the OIDC issuer's JWKS.

The token only says who the caller is; roles come from FlexPool's memberships.
"""
from __future__ import annotations

import json
import logging
import time
import urllib.request
from functools import cached_property

import jwt
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from api import request_connection
from flexpool.config import Settings

log = logging.getLogger("flexpool.auth")

LEEWAY = 60  # seconds of clock skew between issuer and service

VERIFIED_TOKENS = 50_000  # tokens remembered as verified (a few MB), forgotten all at once beyond that

PUBLIC_PATHS = ["^/health", "^/schema", "^/problems", "^/metrics", "^/v1/calendar/"]


class TokenVerifier:
    def __init__(self, settings: Settings):
        self.secret = settings.jwt_secret
        self.issuer = settings.oidc_issuer
        self.audience = settings.oidc_audience
        self.max_lifetime = settings.token_max_hours * 3600
        self._verified: dict[str, tuple[str, float]] = {}

    @cached_property
    def _jwks(self) -> jwt.PyJWKClient:
        url = (self.issuer or "").rstrip("/") + "/.well-known/openid-configuration"
        with urllib.request.urlopen(url, timeout=5) as resp:
            jwks_uri = json.load(resp)["jwks_uri"]
        return jwt.PyJWKClient(jwks_uri, cache_keys=True, lifespan=3600)

    def subject(self, token: str) -> str:
        """The verified subject. A token seen before is not verified again (a signature check and a JSON
        parse per request otherwise): what was verified once stays true until its `exp`, checked here."""
        known = self._verified.get(token)
        if known is not None:
            sub, exp = known
            if time.time() < exp:
                return sub
            del self._verified[token]
            raise NotAuthorizedException("The token has expired; sign in again.")
        sub, exp = self._verify(token)
        if len(self._verified) >= VERIFIED_TOKENS:
            self._verified.clear()
        self._verified[token] = (sub, exp)
        return sub

    def _verify(self, token: str) -> tuple[str, float]:
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") == "HS256" and self.secret:
                claims = jwt.decode(token, self.secret, algorithms=["HS256"], options={"require": ["sub", "exp"]})
            elif self.issuer and header.get("alg", "").startswith(("RS", "ES", "PS")):
                key = self._jwks.get_signing_key_from_jwt(token).key
                claims = jwt.decode(token, key, algorithms=[header["alg"]], issuer=self.issuer,
                                    audience=self.audience, options={"require": ["sub", "exp", "iss"],
                                                                     "verify_aud": self.audience is not None})
            else:
                raise NotAuthorizedException("This kind of token is not accepted.")
        except jwt.ExpiredSignatureError:
            raise NotAuthorizedException("The token has expired; sign in again.") from None
        except (jwt.InvalidTokenError, jwt.PyJWKClientError, OSError, KeyError, ValueError):
            raise NotAuthorizedException("The token is not valid.") from None
        self._check_lifetime(claims)
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub:
            raise NotAuthorizedException("The token names no user.")
        return sub, float(claims["exp"])


    def _check_lifetime(self, claims: dict) -> None:
        """A stolen token must not work for long: `exp` is required, and a token may live at most
        FLEXPOOL_TOKEN_MAX_HOURS from its `iat` (or from now, without one)."""
        exp = claims.get("exp")
        iat = claims.get("iat")
        start = iat if isinstance(iat, (int, float)) else time.time()
        if not isinstance(exp, (int, float)) or exp - start > self.max_lifetime + LEEWAY:
            raise NotAuthorizedException("The token lives too long; sign in again for a shorter one.")


class JWTAuthenticationMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        header = connection.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthorizedException("Sign in: send Authorization: Bearer <token>.")
        verifier: TokenVerifier = connection.app.state.verifier
        subject = verifier.subject(token.strip())
        principals = connection.app.state.principals
        principal = await principals.get(await request_connection.of(connection.scope).get(), subject)
        if principal is None:
            raise NotAuthorizedException("This user is not known to FlexPool.")
        return AuthenticationResult(user=principal, auth=token)
