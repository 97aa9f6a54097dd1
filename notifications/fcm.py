"""The one place that talks to Firebase Cloud Messaging, through firebase-admin's real send path.

firebase-admin has no setting for the FCM endpoint; its private `_MessagingService.FCM_URL` is set here,
and only here, from FLEXPOOL_FCM_ENDPOINT (default https://fcm.googleapis.com), so tests and staging
point the real client at another server. Its built-in retries are switched off: the outbox retries with
backoff, jitter and Retry-After, and counts attempts.
"""
from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

import firebase_admin
import httpx
from firebase_admin import _http_client, credentials, exceptions, messaging
from firebase_admin._retry import HttpxRetry
from google.auth.credentials import Credentials as Credential

from notifications.transport import AiohttpTransport

log = logging.getLogger("flexpool.fcm")

DEFAULT_ENDPOINT = "https://fcm.googleapis.com"
BATCH = 500  # the most messages FCM takes in one batch


@dataclass(frozen=True)
class Push:
    token: str
    title: str
    body: str
    data: dict[str, str]
    urgent: bool
    collapse_id: str


@dataclass(frozen=True)
class Outcome:
    token: str
    ok: bool
    message_id: str | None = None
    unregistered: bool = False
    error: str | None = None
    retry_after: float | None = None
    permanent: bool = False  # FCM will never accept this message (not the device's fault)


def _point_at(endpoint: str) -> None:
    messaging._MessagingService.FCM_URL = endpoint.rstrip("/") + "/v1/projects/{0}/messages:send"


class _FastClient(_http_client.HttpxAsyncClient):
    """firebase-admin's async HTTP client (OAuth flow, headers, request building as it does them) on the
    aiohttp transport (notifications.transport); its own retries off, the dispatcher retries."""

    def __init__(self, credential: Credential, timeout: float, connections: int = 100) -> None:
        super().__init__(credential=credential, timeout=timeout, retry_config=HttpxRetry(max_retries=0), http2=False)
        self.transport = AiohttpTransport(connections=connections, timeout=timeout)
        self._async_client = httpx.AsyncClient(timeout=timeout, headers=self._headers, transport=self.transport,
                                               auth=_http_client.GoogleAuthCredentialFlow(credential))


class FcmSender:
    """Sends pushes; one firebase-admin app per sender."""

    def __init__(self, credential: credentials.Base, *, endpoint: str = DEFAULT_ENDPOINT, timeout: float = 10.0,
                 project_id: str | None = None) -> None:
        _point_at(endpoint)
        options: dict[str, object] = {"httpTimeout": timeout}
        if project_id:
            options["projectId"] = project_id
        self.app = firebase_admin.initialize_app(credential, options, name=f"flexpool-{uuid.uuid4().hex[:8]}")
        service = messaging._get_messaging_service(self.app)
        self._client = _FastClient(service._credential, timeout)
        service._async_client = self._client
        self._credential = service._credential
        self._refresh_lock = asyncio.Lock()
        # One batch (up to 500 messages) in flight per process: they queue for the transport's 100 connections;
        # more batches at once would only lengthen that queue.
        self._in_flight = asyncio.Semaphore(1)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> FcmSender | None:
        """GOOGLE_APPLICATION_CREDENTIALS (a service-account file, its token_uri honoured) or application
        default credentials; None when there are none: pushes are then recorded, not sent."""
        env = os.environ if environ is None else environ
        endpoint = env.get("FLEXPOOL_FCM_ENDPOINT", DEFAULT_ENDPOINT)
        path = env.get("GOOGLE_APPLICATION_CREDENTIALS")
        try:
            credential = credentials.Certificate(path) if path else credentials.ApplicationDefault()
            if not path:
                credential.get_credential()  # raises when no application default credentials exist
            return cls(credential, endpoint=endpoint, timeout=float(env.get("FLEXPOOL_FCM_TIMEOUT", "10")))
        except Exception as exc:
            log.warning("no Firebase credentials (%s): pushes are recorded in the inbox but not sent", exc)
            return None

    def close(self) -> None:
        firebase_admin.delete_app(self.app)

    async def aclose(self) -> None:
        """firebase-admin closes its async client with asyncio.run(): do that off the running loop, after
        the connections were closed on the loop that opened them."""
        await self._client.transport.aclose()
        await asyncio.to_thread(firebase_admin.delete_app, self.app)

    async def _fresh_token(self) -> None:
        """Refresh the OAuth token once, off the event loop, before a burst of requests: otherwise every
        request of a cold batch finds the token missing and google-auth refreshes it synchronously inside
        the loop, stalling the whole batch."""
        async with self._refresh_lock:
            if not self._credential.valid:
                import google.auth.transport.requests
                await asyncio.to_thread(self._credential.refresh, google.auth.transport.requests.Request())

    async def send(self, pushes: list[Push]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        try:
            await self._fresh_token()
        except Exception as exc:
            return [Outcome(p.token, False, error=f"token refresh failed: {exc}"[:500]) for p in pushes]
        for i in range(0, len(pushes), BATCH):
            chunk = pushes[i:i + BATCH]
            messages = [self._message(p) for p in chunk]
            try:
                async with self._in_flight:
                    batch = await messaging.send_each_async(messages, app=self.app)
                responses = batch.responses
            except exceptions.FirebaseError as exc:  # the batch as a whole failed
                outcomes += [self._failure(p.token, exc) for p in chunk]
                continue
            for push, response in zip(chunk, responses, strict=True):
                if response.success:
                    outcomes.append(Outcome(push.token, True, message_id=response.message_id))
                else:
                    outcomes.append(self._failure(push.token, response.exception))
        return outcomes

    @staticmethod
    def _message(p: Push) -> messaging.Message:
        return messaging.Message(
            fid=p.token, data=p.data, notification=messaging.Notification(title=p.title, body=p.body),
            android=messaging.AndroidConfig(priority="high" if p.urgent else "normal", collapse_key=p.collapse_id,
                                            notification=messaging.AndroidNotification(tag=p.collapse_id)),
            apns=messaging.APNSConfig(headers={"apns-priority": "10" if p.urgent else "5",
                                               "apns-collapse-id": p.collapse_id}))

    @staticmethod
    def _failure(token: str, exc: Exception | None) -> Outcome:
        unregistered = isinstance(exc, (messaging.UnregisteredError, messaging.SenderIdMismatchError)) or (
            isinstance(exc, exceptions.InvalidArgumentError) and "registration token" in str(exc).lower())
        retry_after = None
        response = getattr(exc, "http_response", None)
        if response is not None:
            value = response.headers.get("retry-after")
            if value and value.isdigit():
                retry_after = float(value)
        permanent = isinstance(exc, exceptions.InvalidArgumentError) and not unregistered
        return Outcome(token, False, unregistered=unregistered, error=f"{type(exc).__name__}: {exc}"[:500],
                       retry_after=retry_after, permanent=permanent)
