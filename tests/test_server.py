"""The HTTP API: every endpoint, every error class (400, 404, 405, 413, 422, 500), odd texts, and a real server."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from actorstance import __version__
from actorstance.server import ServeLimits, create_app


REPO = Path(__file__).resolve().parent.parent
TEXT = "Iran backs Hezbollah. The UN condemned the attack."
LIMITS = ServeLimits(max_body_bytes=20_000, max_text_chars=5_000, max_batch_size=4, batch_size=8)


@pytest.fixture(scope="module")
def client(predictor):
    with TestClient(create_app(predictor, LIMITS)) as test_client:
        yield test_client


def _error(response, status: int, kind: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["error"] == kind and "Traceback" not in response.text
    return body["message"]


# --------------------------------------------------------------------------- endpoints


def test_predict_one_text(client, predictor):
    response = client.post("/predict", json={"text": TEXT})
    assert response.status_code == 200
    assert response.json() == predictor.predict(TEXT, batch_size=LIMITS.batch_size).to_dict()
    assert response.json()["id"] == "doc-0" and response.json()["text"] == TEXT


def test_predict_batch(client, predictor):
    texts = [TEXT, "Russian troops fought rebels near Idlib.", ""]
    response = client.post("/predict", json={"texts": texts})
    assert response.status_code == 200
    assert response.json() == [a.to_dict() for a in predictor.predict(texts, batch_size=LIMITS.batch_size)]


def test_predict_given_mentions(client):
    text = "Iran backs Hezbollah. Tehran armed it."
    mentions = [{"start": 0, "end": 4, "actor": "IRN"}, {"start": 11, "end": 20}, {"start": 22, "end": 28, "actor": "IRN"}]
    record = client.post("/predict", json={"text": text, "mentions": mentions}).json()
    assert [(m["text"], m["actor"]) for m in record["mentions"]] == [("Iran", "IRN"), ("Hezbollah", "M2"), ("Tehran", "IRN")]
    assert [a["id"] for a in record["actors"]] == ["IRN", "M2"]
    records = client.post("/predict", json={"texts": [text, "Daesh attacked villagers."], "mentions": [mentions, [{"start": 0, "end": 5}]]}).json()
    assert [len(r["mentions"]) for r in records] == [3, 1]


def test_health_metadata_and_docs(client, run_dir):
    assert client.get("/health").json() == {"status": "ok"}
    metadata = client.get("/metadata").json()
    assert metadata["version"] == __version__ and metadata["run"] == "tiny" and metadata["tasks"] == ["roles", "stance"]
    assert metadata["labels"]["roles"][:3] == ["GOV", "MIL", "REB"] and metadata["labels"]["stances"] == ["SUPPORT", "OPPOSE", "NEUTRAL"]
    assert "tiny-bert" in metadata["model"]
    assert metadata["limits"] == LIMITS.model_dump() and metadata["backend"] == "torch"
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    schema = client.get("/openapi.json").json()
    assert {"/predict", "/health", "/metadata"} <= set(schema["paths"])
    assert {"text", "texts", "mentions"} <= set(schema["components"]["schemas"]["PredictRequest"]["properties"])


@pytest.mark.parametrize(
    "text",
    ["", "   \n\t ", "Россия и Iran договорились. 伊朗支持真主党。", "🙂 Iran 🇺🇦 backs Hezbollah 👩‍👩‍👧.", "Iran\x00 backs\x07 Hezbollah\x1b\u202e."],
    ids=["empty", "whitespace", "mixed-scripts", "emoji", "control-characters"],
)
def test_odd_texts_are_answered(client, text):
    response = client.post("/predict", json={"text": text})  # control characters travel escaped (\u0000)
    assert response.status_code == 200
    record = response.json()
    assert record["text"] == text
    for mention in record.get("mentions", []):
        assert text[mention["start"] : mention["end"]] == mention["text"]


# --------------------------------------------------------------------------- errors


def test_400_body_is_not_json(client):
    message = _error(client.post("/predict", content=b"{not json", headers={"content-type": "application/json"}), 400, "bad_json")
    assert message.startswith("request body is not valid JSON")
    raw_control = b'{"text": "a\x01b"}'  # JSON forbids unescaped control characters in strings
    _error(client.post("/predict", content=raw_control, headers={"content-type": "application/json"}), 400, "bad_json")


def test_415_body_not_sent_as_json(client):
    body = json.dumps({"text": TEXT}).encode()
    message = _error(client.post("/predict", content=body, headers={"content-type": "text/plain"}), 415, "unsupported_media_type")
    assert "Content-Type: application/json" in message and "'text/plain'" in message
    _error(client.post("/predict", data={"text": TEXT}), 415, "unsupported_media_type")  # a form


def test_413_body_too_large(client, predictor):
    message = _error(client.post("/predict", json={"text": "x" * 30_000}), 413, "too_large")
    assert "over the limit of 20000 bytes" in message

    def chunks():  # no Content-Length: the limit is enforced while the body streams in
        yield b'{"text": "'
        for _ in range(30):
            yield b"x" * 1000
        yield b'"}'

    message = _error(client.post("/predict", content=chunks(), headers={"content-type": "application/json"}), 413, "too_large")
    assert "over the limit of 20000 bytes" in message
    # One megabyte of text against the default limits (1,000,000 bytes).
    with TestClient(create_app(predictor)) as default_client:
        message = _error(default_client.post("/predict", json={"text": "Iran backs Hezbollah. " * 46_000}), 413, "too_large")
        assert "over the limit of 1000000 bytes" in message


def test_one_megabyte_text_under_raised_limits(predictor):
    limits = ServeLimits(max_body_bytes=2_000_000, max_text_chars=1_100_000)
    with TestClient(create_app(predictor, limits)) as big_client:
        text = "x" * 1_000_000
        response = big_client.post("/predict", json={"text": text})
        assert response.status_code == 200 and response.json()["text"] == text


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, "send exactly one of 'text' (a string) or 'texts' (a list of strings)"),
        ({"text": "a", "texts": ["b"]}, "send exactly one of 'text'"),
        ({"text": None}, "send exactly one of 'text'"),
        ({"text": 3}, "text: Input should be a valid string"),
        ({"text": ["a"]}, "text: Input should be a valid string"),
        ({"texts": ["a", 5]}, "texts.1: Input should be a valid string"),
        ({"texts": "a"}, "texts: Input should be a valid list"),
        ({"texts": []}, "texts: at least one text is required"),
        ({"texts": ["a"] * 5}, "texts: 5 texts, over the limit of 4 per request"),
        ({"text": "y" * 5_001}, "text: 5001 characters, over the limit of 5000"),
        ({"texts": ["ok", "y" * 5_001]}, "texts.1: 5001 characters, over the limit of 5000"),
        ({"text": "\ud800 lone surrogate"}, "text: invalid Unicode at character 0"),
        ({"text": "a", "language": "en"}, "language: Extra inputs are not permitted"),
        ({"text": "Iran", "mentions": [{"start": 2, "end": 9}]}, "mentions.0: span [2, 9) is empty or outside the text (length 4)"),
        ({"text": "Iran", "mentions": [{"start": 3, "end": 3}]}, "mentions.0: span [3, 3) is empty"),
        ({"texts": ["Iran", "Iraq"], "mentions": [[{"start": 0, "end": 4}]]}, "mentions: 1 lists for 2 texts"),
        ({"texts": ["Iran"], "mentions": [{"start": 0, "end": 4}]}, "with 'texts', 'mentions' is a list of lists"),
        ({"text": "Iran", "mentions": [[{"start": 0, "end": 4}]]}, "with 'text', 'mentions' is one list of mentions"),
        ({"text": "Iran", "mentions": [{"start": "0", "end": 4}]}, "mentions.0.start: Input should be a valid integer"),
        ({"text": "Iran", "mentions": [{"start": 0, "end": 4, "role": "GOV"}]}, "mentions.0.role: Extra inputs are not permitted"),
        ([TEXT], "body: Input should be a valid dictionary"),
        ("just a string", "body: Input should be a valid dictionary"),
    ],
)
def test_422_names_the_field(client, body, expected):
    message = _error(client.post("/predict", content=json.dumps(body), headers={"content-type": "application/json"}), 422, "validation_error")
    assert expected in message
    assert isinstance(client.post("/predict", content=json.dumps(body), headers={"content-type": "application/json"}).json()["detail"], list)


def test_404_and_405_are_json(client):
    assert "Not Found" in _error(client.get("/nothing"), 404, "not_found")
    _error(client.get("/predict"), 405, "method_not_allowed")


class _FailingPredictor:
    def __init__(self, real):
        self.config, self.labels = real.config, real.labels

    def predict(self, *args, **kwargs):
        raise RuntimeError("secret internals /home/model/weights")


def test_500_when_the_model_fails_without_leaking(predictor):
    with TestClient(create_app(_FailingPredictor(predictor)), raise_server_exceptions=False) as failing:
        response = failing.post("/predict", json={"text": TEXT})
        message = _error(response, 500, "prediction_failed")
        assert "RuntimeError" in message and "secret" not in response.text and "weights" not in response.text
        assert failing.get("/health").status_code == 200  # the server keeps serving


def test_nothing_is_loaded_at_import():
    code = "import sys, actorstance.server; print('torch' in sys.modules, 'transformers' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False False"  # no torch, no transformers, no model until create_app(predictor)


def test_serve_command_refuses_a_broken_run_directory(tmp_path):
    from typer.testing import CliRunner

    from actorstance.cli import app

    result = CliRunner().invoke(app, ["serve", str(tmp_path / "missing")])
    assert result.exit_code == 2 and "not a run directory" in result.stderr and "Traceback" not in result.stderr


# --------------------------------------------------------------------------- a real server


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_real_server_answers_concurrent_requests(run_dir, predictor):
    import httpx

    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "actorstance", "serve", str(run_dir), "--port", str(port), "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, process.stdout.read().decode(errors="replace")[-3000:]
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not start within 120 s"
            time.sleep(0.2)

        texts = [TEXT, "Russian troops fought rebels near Idlib. Reuters reported heavy losses."]

        async def fire() -> list:
            limits = httpx.Limits(max_connections=20)
            async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as session:
                requests = [session.post("/predict", json={"text": texts[i % 2]}) for i in range(20)]
                return await asyncio.gather(*requests)

        responses = asyncio.run(fire())
        assert [r.status_code for r in responses] == [200] * 20
        bodies = [r.json() for r in responses]
        for index, body in enumerate(bodies):
            assert body == bodies[index % 2]  # identical input, identical answer
        assert bodies[0] == predictor.predict(texts[0]).to_dict()
        assert httpx.get(f"{base}/metadata", timeout=10).json()["run"] == "tiny"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_serve_command_defaults_are_the_server_limits():
    import inspect

    from actorstance.cli import serve
    from actorstance.server import ServeLimits

    defaults = {name: p.default for name, p in inspect.signature(serve).parameters.items()}
    assert {name: defaults[name] for name in ServeLimits.model_fields} == ServeLimits().model_dump()
