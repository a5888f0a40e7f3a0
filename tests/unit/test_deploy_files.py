"""The deployment files (deploy/) cannot run here; check them statically: they parse,
use the official images this project is locked to, name the project's own stores, and
set only environment variables that the project (or Rasa, for Rasa's own) reads."""
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
CODE = ["actions", "addons", "content", "scaling", "tools", "transcripts", "webchat"]
RASA_SOURCE = ROOT / ".venv" / "lib" / "python3.10" / "site-packages" / "rasa"
# Rasa's own settings that deploy/ sets; each is checked against Rasa's source below.
RASA_VARIABLES = {"RASA_TELEMETRY_ENABLED", "SANIC_WORKERS"}
# What Rasa's chart sets for the PostgreSQL and Redis it installs.
CHART_VARIABLES = {"DB_USER", "DB_PASSWORD", "DB_HOST", "DB_PORT", "DB_DATABASE",
                   "REDIS_PASSWORD", "REDIS_HOST", "REDIS_PORT"}
READ = re.compile(r"""(?:environ\.get|getenv|environ\[)\(?\s*["']([A-Z][A-Z0-9_]*)["']""")
PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")


def read_by_project() -> set:
    names = set()
    for folder in CODE:
        for path in (ROOT / folder).rglob("*.py"):
            names |= set(READ.findall(path.read_text(encoding="utf-8")))
    for endpoints in (ROOT / "endpoints.yml", DEPLOY / "endpoints.yml"):
        names |= set(PLACEHOLDER.findall(endpoints.read_text()))
    return names


def locked_version(package: str) -> str:
    lock = (ROOT / "requirements.lock").read_text()
    return re.search(rf"^{re.escape(package)}==(\S+)$", lock, re.MULTILINE).group(1)


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yml").read_text())


def helm() -> dict:
    return yaml.safe_load((DEPLOY / "helm" / "rasa-values.yaml").read_text())


def test_the_scan_finds_what_the_project_reads():
    # The scan must see the variables docs/channels-and-storage.md and docs/website-chat.md
    # document, or the checks below are empty.
    assert {"TRACKER_URL", "ACTION_ENDPOINT_URL", "LOCK_STORE_URL", "ACTION_TIMEOUT_SECONDS",
            "MAX_MESSAGE_CHARS", "RETENTION_DAYS", "CORS_ORIGINS"} <= read_by_project()


def test_rasa_reads_the_rasa_variables_set():
    source = "\n".join(p.read_text() for p in RASA_SOURCE.rglob("*.py"))
    for name in RASA_VARIABLES:
        assert f'"{name}"' in source, name


def test_the_images_are_the_official_ones_at_the_locked_versions():
    assert f"FROM rasa/rasa:{locked_version('rasa')}-full" in (DEPLOY / "Dockerfile.rasa").read_text()
    assert f"FROM rasa/rasa-sdk:{locked_version('rasa-sdk')}" in \
        (DEPLOY / "Dockerfile.actions").read_text()


def test_compose_sets_only_variables_the_project_reads():
    services = compose()["services"]
    rasa = [s for name, s in services.items() if name.startswith("rasa-")]
    assert len(rasa) == 2 and services["actions"]["deploy"]["replicas"] == 2
    allowed = read_by_project() | RASA_VARIABLES
    for service in rasa:
        env = service["environment"]
        assert set(env) <= allowed, set(env) - allowed
        assert env["TRACKER_URL"].startswith("postgresql://")
        assert env["LOCK_STORE_URL"].startswith("redis://:${REDIS_PASSWORD") and "@redis:6379/" in env["LOCK_STORE_URL"]
        assert env["ACTION_ENDPOINT_URL"] == "http://actions:5055/webhook"
        # published on this host's loopback only: the load balancer in front is the way in
        assert all(port.startswith("127.0.0.1:") for port in service["ports"])
    assert "environment" not in services["actions"]
    assert "--requirepass" in services["redis"]["command"]


def test_helm_values_set_only_variables_the_project_reads():
    values = helm()
    env = {item["name"]: item["value"] for item in values["extraEnv"]}
    allowed = read_by_project() | RASA_VARIABLES
    assert set(env) <= allowed, set(env) - allowed
    # Built only from what the chart sets for its PostgreSQL and Redis.
    used = {name for value in env.values() for name in re.findall(r"\$\(([A-Z_]+)\)", value)}
    assert used <= CHART_VARIABLES, used - CHART_VARIABLES
    assert values["postgresql"]["install"] and values["redis"]["install"]
    assert values["replicaCount"] == 2 and values["rasa-action-server"]["replicaCount"] == 2
    endpoints = values["applicationSettings"]["endpoints"]["additionalEndpoints"]
    assert set(PLACEHOLDER.findall(yaml.safe_dump(endpoints))) <= set(env)


def test_helm_values_name_the_stores_and_channels_the_project_runs_with():
    values = helm()["applicationSettings"]
    project_endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    endpoints = values["endpoints"]["additionalEndpoints"]
    for store in ("tracker_store", "lock_store"):
        assert endpoints[store] == project_endpoints[store]
    assert not values["endpoints"]["trackerStore"]["enabled"]
    assert not values["endpoints"]["lockStore"]["enabled"]
    channels = yaml.safe_load((ROOT / "credentials.yml").read_text())
    assert set(values["credentials"]["additionalChannelCredentials"]) == set(channels)


def test_endpoints_yml_needs_no_variable_and_deploy_differs_only_in_the_action_server():
    # A plain `rasa run` reads endpoints.yml: an unset ${VAR} there would stop it.
    assert not PLACEHOLDER.findall((ROOT / "endpoints.yml").read_text())
    plain = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    deploy = yaml.safe_load((DEPLOY / "endpoints.yml").read_text())
    assert plain["action_endpoint"] == {"url": "http://127.0.0.1:5055/webhook"}
    assert deploy["action_endpoint"] == {"url": "${ACTION_ENDPOINT_URL}"}
    assert {k: v for k, v in deploy.items() if k != "action_endpoint"} == \
        {k: v for k, v in plain.items() if k != "action_endpoint"}


def test_the_image_and_compose_run_with_the_deploy_endpoints():
    dockerfile = (DEPLOY / "Dockerfile.rasa").read_text()
    assert "COPY --chown=1001 deploy/endpoints.yml deploy/endpoints.yml" in dockerfile
    assert '"--endpoints", "deploy/endpoints.yml"' in dockerfile
    for name, service in compose()["services"].items():
        if name.startswith("rasa-"):
            command = service["command"]
            assert command[command.index("--endpoints") + 1] == "deploy/endpoints.yml"
