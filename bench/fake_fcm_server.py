"""A fake FCM for benchmarks, fast enough not to be what is measured: the HTTP v1 send API and the OAuth2
token endpoint as a bare ASGI app, run by Granian in processes of its own (`python -m bench.fake_fcm_server
PORT FOLDER [WORKERS]`). Each process appends "<unix time> <device>" per answered message to a file of its
own in FOLDER, which the bench reads afterwards.
"""
from __future__ import annotations

import json
import os
import sys
import time

FOLDER = os.environ.get("FAKE_FCM_FOLDER", ".")
_log = None


async def app(scope, receive, send):
    global _log
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if _log is not None:
                    _log.close()
                await send({"type": "lifespan.shutdown.complete"})
                return
    body, more = b"", True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    if scope["path"] == "/token":
        answer = {"access_token": "fake-access-token", "expires_in": 3600, "token_type": "Bearer"}
    else:
        message = json.loads(body)["message"]
        device = message.get("fid") or message.get("token")
        if _log is None:
            _log = open(os.path.join(FOLDER, f"sent-{os.getpid()}.txt"), "a", buffering=1 << 16)
        _log.write(f"{time.time():.6f} {device}\n")
        answer = {"name": f"projects/bench/messages/{device}"}
    payload = json.dumps(answer).encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})


def main() -> None:
    from granian import Granian
    from granian.constants import Interfaces, Loops

    port, folder = int(sys.argv[1]), sys.argv[2]
    workers = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    os.environ["FAKE_FCM_FOLDER"] = folder
    Granian("bench.fake_fcm_server:app", address="127.0.0.1", port=port, interface=Interfaces.ASGI, workers=workers,
            loop=Loops.uvloop, log_enabled=False).serve()


if __name__ == "__main__":
    main()
