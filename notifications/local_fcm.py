"""Pointing the real firebase-admin client at a local FCM stand-in (tests, benchmarks, staging without
Google): a service-account file whose key is fresh and whose token_uri is the stand-in's."""
from __future__ import annotations

import json
from pathlib import Path


def service_account(path: Path, token_uri: str) -> str:
    """Writes the file and returns its path, for GOOGLE_APPLICATION_CREDENTIALS."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    path.write_text(json.dumps({
        "type": "service_account", "project_id": "flexpool-test", "private_key_id": "test-key",
        "private_key": pem, "client_email": "push@flexpool-test.iam.gserviceaccount.com", "client_id": "1",
        "token_uri": token_uri}))
    return str(path)
