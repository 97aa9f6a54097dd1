"""Beyond one machine: the Kubernetes manifests are valid (checked offline against the bundled schemas of a
recent Kubernetes), run as non-root with probes, limits and a disruption budget; and two replicas share one
write limit through PostgreSQL."""
from pathlib import Path

import kubernetes_validate
import yaml
from litestar.testing import AsyncTestClient

from flexpool.services.regions import create_region
from tests.helpers import auth
from tests.scenarios import app_with

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
VERSION = "1.30.0"


def documents():
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                yield path.name, doc


def test_the_manifests_are_valid_kubernetes():
    kinds = []
    for _, doc in documents():
        kubernetes_validate.validate(doc, VERSION, strict=True)
        kinds.append(doc["kind"])
    assert sorted(kinds) == sorted(["ConfigMap", "Secret", "Job", "Deployment", "Service", "PodDisruptionBudget"])


def test_pods_run_as_non_root_with_probes_and_limits():
    for name, doc in documents():
        if doc["kind"] not in ("Deployment", "Job"):
            continue
        pod = doc["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        for container in pod["containers"]:
            assert container["resources"]["limits"] and container["resources"]["requests"], name
            assert container["securityContext"]["allowPrivilegeEscalation"] is False, name
            if doc["kind"] == "Deployment":
                assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
                assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
    dockerfile = (K8S.parent / "Dockerfile").read_text()
    assert "\nUSER flexpool" in dockerfile


async def test_replicas_share_the_write_limit(database_url, pool):
    async with pool.acquire() as conn:
        await create_region(conn, "Regio", "coord@r.test")
    first = app_with(database_url, FLEXPOOL_WRITE_RATE_PER_MINUTE="3")
    second = app_with(database_url, FLEXPOOL_WRITE_RATE_PER_MINUTE="3")
    async with AsyncTestClient(app=first) as a, AsyncTestClient(app=second) as b:
        codes = []
        for i, replica in enumerate((a, b, a, b)):
            r = await replica.post("/v1/organisations", json={"name": f"Org {i}"}, headers=auth("coord@r.test"))
            codes.append(r.status_code)
        assert codes == [201, 201, 201, 429]
        assert int(r.headers["retry-after"]) >= 1 and r.json()["type"] == "/problems/rate-limited"
