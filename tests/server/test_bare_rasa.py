"""Rasa's own commands work from the root with no flags and no environment variables.

`rasa data validate`, `rasa train`, `rasa run actions` and `rasa run` are run exactly as a
maintainer new to the project would type them, on Rasa's default ports, and a question
gets its answer. `rasa train` finds the components `make train` cached in `.rasa/cache`,
so it repackages rather than retrains.
"""
import os
import socket
import subprocess
import uuid

import pytest
import requests
import yaml

from tools.servers import BIN, ROOT, _wait_until_up

RASA_PORT, ACTION_PORT = 5005, 5055  # Rasa's defaults, which the bare commands use
CLEAN_ENV = {"PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin", "HOME": os.environ.get("HOME", "/root"),
             "LANG": "C.UTF-8", "RASA_TELEMETRY_ENABLED": "false"}


def _rasa(*args, timeout):
    return subprocess.run([str(BIN / "rasa"), *args], cwd=ROOT, env=CLEAN_ENV, timeout=timeout,
                          capture_output=True, text=True)


def _free(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture(scope="module")
def new_models():
    """Models the bare `rasa train` writes beside `make train`'s, removed afterwards."""
    before = set((ROOT / "models").glob("*.tar.gz"))
    yield before
    for model in set((ROOT / "models").glob("*.tar.gz")) - before:
        model.unlink()


def test_rasa_data_validate_passes_bare():
    result = _rasa("data", "validate", timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_bare_train_then_run_answers_a_question(new_models, tmp_path):
    assert _free(RASA_PORT) and _free(ACTION_PORT), "stop `make run` first: this test needs 5005 and 5055"
    trained = _rasa("train", timeout=1800)
    assert trained.returncode == 0, trained.stdout[-3000:] + trained.stderr[-3000:]
    assert set((ROOT / "models").glob("*.tar.gz")) - new_models, "bare `rasa train` wrote no model"

    processes = []
    try:
        for name, args, health in (
                ("actions", ["run", "actions"], f"http://127.0.0.1:{ACTION_PORT}/health"),
                ("rasa", ["run"], f"http://127.0.0.1:{RASA_PORT}/webhooks/rest/")):
            log = tmp_path / f"{name}.log"
            processes.append(subprocess.Popen(
                [str(BIN / "rasa"), *args], cwd=ROOT, env=CLEAN_ENV, stdin=subprocess.DEVNULL,
                stdout=log.open("w"), stderr=subprocess.STDOUT))
            _wait_until_up(health, processes[-1], log)
        topic = yaml.safe_load((ROOT / "content/faq/what_is_ptsd.yml").read_text(encoding="utf-8"))
        reply = requests.post(f"http://127.0.0.1:{RASA_PORT}/webhooks/rest/webhook", timeout=60,
                              json={"sender": f"bare-rasa-test-{uuid.uuid4()}", "message": topic["title"]})
        assert reply.status_code == 200
        texts = " ".join(m.get("text", "") for m in reply.json())
        assert " ".join(topic["answer"].split()[:8]) in " ".join(texts.split())
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
