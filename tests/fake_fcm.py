"""A fake FCM server of our own: the HTTP v1 send API and an OAuth2 token endpoint, on a real port.

It records what it receives and can be told, per device token, to answer UNREGISTERED, 429 with
Retry-After, 503, or to hang until released. A message counts as delivered when the fake answered 200,
as FCM does.
"""
from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections import defaultdict

import uvicorn

from notifications.local_fcm import service_account  # noqa: F401 - the tests' way to reach it


class FakeFcm:
    def __init__(self):
        self.received: list[dict] = []     # every send request that arrived
        self.delivered: list[dict] = []    # the ones answered 200
        self.plans: dict[str, list[str]] = defaultdict(list)
        self.default = "ok"
        self.release = threading.Event()
        self.arrived = threading.Condition()
        self.token_requests = 0
        self.access_token = "fake-access-token"  # what the token endpoint hands out
        self.hanging: set[str] = set()  # Authorization headers whose requests hang whatever else is planned
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = uvicorn.Server(uvicorn.Config(self.app, port=self.port, log_level="warning", lifespan="off",
                                                    interface="asgi3"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    # --- control -------------------------------------------------------------------------------------
    def start(self) -> FakeFcm:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake FCM did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.release.set()
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def plan(self, token: str, *answers: str) -> None:
        """Answers for the next requests to `token`: ok, unregistered, 429:<seconds>, 503, hang."""
        self.plans[token].extend(answers)

    def wait_received(self, count: int, timeout: float = 10) -> bool:
        with self.arrived:
            return self.arrived.wait_for(lambda: len(self.received) >= count, timeout=timeout)

    def delivered_to(self, token: str) -> list[dict]:
        return [m for m in self.delivered if m["token"] == token]

    # --- the ASGI app --------------------------------------------------------------------------------
    async def app(self, scope, receive, send):
        body = b""
        more = True
        while more:
            msg = await receive()
            body += msg.get("body", b"")
            more = msg.get("more_body", False)
        path = scope["path"]
        if path == "/token":
            self.token_requests += 1
            return await self._json(send, 200, {"access_token": self.access_token, "expires_in": 3600,
                                                "token_type": "Bearer"})
        if not (path.startswith("/v1/projects/") and path.endswith("/messages:send")):
            return await self._json(send, 404, {"error": {"code": 404, "status": "NOT_FOUND"}})
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        message = json.loads(body)["message"]
        token = message.get("fid") or message.get("token")
        record = {"token": token, "message": message, "authorization": headers.get("authorization")}
        with self.arrived:
            self.received.append(record)
            self.arrived.notify_all()
        answer = self.plans[token].pop(0) if self.plans[token] else self.default
        if record["authorization"] in self.hanging:
            answer = "hang"
        if answer == "hang":
            while not self.release.is_set():
                await asyncio.sleep(0.01)
            return await self._json(send, 503, _error(503, "UNAVAILABLE", None))
        if answer == "unregistered":
            return await self._json(send, 404, _error(404, "NOT_FOUND", "UNREGISTERED"))
        if answer.startswith("429"):
            seconds = answer.split(":")[1] if ":" in answer else "30"
            return await self._json(send, 429, _error(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED"),
                                    [(b"retry-after", seconds.encode())])
        if answer == "503":
            return await self._json(send, 503, _error(503, "UNAVAILABLE", None))
        if answer == "400":  # a message FCM will never accept, however often it is sent
            return await self._json(send, 400, _error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT"))
        name = f"projects/flexpool-test/messages/{len(self.delivered) + 1}"
        self.delivered.append(record)
        return await self._json(send, 200, {"name": name})

    @staticmethod
    async def _json(send, status, payload, headers=()):
        body = json.dumps(payload).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), *headers]})
        await send({"type": "http.response.body", "body": body})


def _error(code: int, status: str, fcm_code: str | None) -> dict:
    error = {"code": code, "message": status.lower(), "status": status}
    if fcm_code:
        error["details"] = [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": fcm_code}]
    return {"error": error}


