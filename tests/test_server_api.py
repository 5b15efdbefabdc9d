"""The served API's contract: offline docs, a truthful OpenAPI schema, min_score, and a bounded queue
with a time budget per request (503 busy, 504 cancelled) while /health keeps answering."""

from __future__ import annotations

import re
import threading
import time

import pytest
from fastapi.testclient import TestClient

from actorstance.limits import LimitExceeded
from actorstance.server import PredictRequest, ServeLimits, create_app

TEXT = "Iran backs Hezbollah. The UN condemned the attack."


@pytest.fixture(scope="module")
def client(predictor):
    with TestClient(create_app(predictor)) as test_client:
        yield test_client


# --------------------------------------------------------------------------- docs pages


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_every_script_and_style_from_this_server(client, page):
    response = client.get(page)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "http://" not in html and "https://" not in html and "//cdn" not in html  # no CDN, no fonts service
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    scripts = re.findall(r"""<script[^>]+src=["']([^"']+)["']""", html)
    assert scripts and len(assets) >= 2
    for url in assets:
        assert url.startswith("/") and not url.startswith("//"), url
        asset = client.get(url)
        assert asset.status_code == 200 and len(asset.content) > 1000, url
    for url in scripts:
        assert "javascript" in client.get(url).headers["content-type"]
    assert "'/openapi.json'" in html or '"/openapi.json"' in html


# --------------------------------------------------------------------------- OpenAPI schema


def test_predict_declares_one_record_or_a_list(client):
    operation = client.get("/openapi.json").json()["paths"]["/predict"]["post"]
    declared = operation["responses"]["200"]["content"]["application/json"]["schema"]["anyOf"]
    assert declared == [{"$ref": "#/components/schemas/Article"}, {"type": "array", "items": {"$ref": "#/components/schemas/Article"}}]
    one = client.post("/predict", json={"text": TEXT}).json()
    many = client.post("/predict", json={"texts": [TEXT]}).json()
    assert isinstance(one, dict) and isinstance(many, list) and many == [one]


def test_labels_are_enums_of_the_served_run(client, predictor):
    components = client.get("/openapi.json").json()["components"]["schemas"]
    assert components["Actor"]["properties"]["role"]["enum"] == predictor.labels.roles
    other_roles = next(o for o in components["Actor"]["properties"]["other_roles"]["anyOf"] if o.get("type") == "array")
    assert other_roles["items"]["enum"] == predictor.labels.roles
    assert components["Stance"]["properties"]["label"]["enum"] == predictor.labels.stances


def test_health_metadata_and_errors_are_typed(client):
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    assert paths["/health"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Health"}
    assert paths["/metadata"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Metadata"}
    responses = paths["/predict"]["post"]["responses"]
    assert sorted(responses) == ["200", "400", "413", "415", "422", "500", "503", "504"]
    for status in ("400", "413", "415", "422", "500", "503", "504"):
        assert responses[status]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
    assert set(schema["components"]["schemas"]["ErrorBody"]["required"]) == {"error", "message"}
    assert "HTTPValidationError" not in schema["components"]["schemas"]  # FastAPI's default 422 body is not what we send


def test_every_field_has_a_description(client):
    components = client.get("/openapi.json").json()["components"]["schemas"]
    undocumented = [f"{name}.{field}" for name, model in components.items() for field, spec in model.get("properties", {}).items() if not spec.get("description")]
    assert undocumented == []


def test_the_documented_examples_are_answered(client):
    operation = client.get("/openapi.json").json()["paths"]["/predict"]["post"]
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    assert {"one text", "several texts", "given mentions", "threshold"} <= set(examples)
    for example in examples.values():
        PredictRequest.model_validate(example["value"])
        response = client.post("/predict", json=example["value"])
        assert response.status_code == 200, (example, response.text)


# --------------------------------------------------------------------------- min_score


class _Recording:
    """A stand-in predictor that records what it was asked and can be held inside predict()."""

    def __init__(self, real, hold: threading.Event | None = None, error: Exception | None = None):
        self.config, self.labels, self.real = real.config, real.labels, real
        self.hold, self.error, self.calls, self.entered = hold, error, [], threading.Event()

    def predict(self, texts, **kwargs):
        self.calls.append(kwargs)
        self.entered.set()
        if self.hold is not None:
            self.hold.wait(30)
        if self.error is not None:
            raise self.error
        return self.real.predict(texts, **kwargs)


def test_min_score_reaches_the_predictor(predictor, client):
    recording = _Recording(predictor)
    with TestClient(create_app(recording)) as recorded:
        assert recorded.post("/predict", json={"text": TEXT, "min_score": 0.25}).status_code == 200
        assert recorded.post("/predict", json={"texts": [TEXT], "min_score": 1}).status_code == 200
        assert recorded.post("/predict", json={"text": TEXT}).status_code == 200
    assert [call["min_score"] for call in recording.calls] == [0.25, 1, None]
    assert client.post("/predict", json={"text": TEXT, "min_score": 0.0}).json() == predictor.predict(TEXT, min_score=0.0).to_dict()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1.5, "min_score: Input should be less than or equal to 1"),
        (-0.1, "min_score: Input should be greater than or equal to 0"),
        ("0.5", "min_score: Input should be a valid number"),
        (True, "min_score: Input should be a valid number"),
    ],
)
def test_min_score_out_of_range_is_422(client, value, message):
    response = client.post("/predict", json={"text": TEXT, "min_score": value})
    assert response.status_code == 422 and message in response.json()["message"]


# --------------------------------------------------------------------------- queue and time budget


def _post_in_thread(test_client: TestClient, body: dict, results: list) -> threading.Thread:
    thread = threading.Thread(target=lambda: results.append(test_client.post("/predict", json=body)))
    thread.start()
    return thread


def test_a_full_queue_is_refused_at_once_and_health_keeps_answering(predictor):
    hold = threading.Event()
    held = _Recording(predictor, hold=hold)
    with TestClient(create_app(held, ServeLimits(max_waiting=1, wait_seconds=30))) as busy:
        results: list = []
        running = _post_in_thread(busy, {"text": TEXT}, results)
        assert held.entered.wait(10)
        waiting = _post_in_thread(busy, {"text": TEXT}, results)
        time.sleep(0.5)  # let the second request be admitted to the queue
        started = time.monotonic()
        refused = busy.post("/predict", json={"text": TEXT})
        assert time.monotonic() - started < 2
        assert refused.status_code == 503 and refused.headers["retry-after"] == "5"
        assert refused.json() == {"error": "busy", "message": "2 requests are already running or waiting for the model (limit 2); retry shortly"}
        assert busy.get("/health").json() == {"status": "ok"}  # answered while the model is held
        hold.set()
        running.join(30), waiting.join(30)
    assert [r.status_code for r in results] == [200, 200]


def test_a_request_that_cannot_start_within_its_wait_is_503(predictor):
    hold = threading.Event()
    held = _Recording(predictor, hold=hold)
    with TestClient(create_app(held, ServeLimits(wait_seconds=0.5))) as busy:
        results: list = []
        running = _post_in_thread(busy, {"text": TEXT}, results)
        assert held.entered.wait(10)
        started = time.monotonic()
        refused = busy.post("/predict", json={"text": TEXT})
        waited = time.monotonic() - started
        hold.set()
        running.join(30)
    assert 0.4 < waited < 5
    assert refused.status_code == 503
    assert refused.json()["message"] == "the model stayed busy for the longest wait of 0.5 s; retry later"
    assert [r.status_code for r in results] == [200]  # the running one keeps its own budget for predicting


def test_a_prediction_over_budget_is_cancelled_and_the_model_is_free_again(predictor):
    with TestClient(create_app(predictor, ServeLimits(predict_seconds=1e-6))) as strict:
        response = strict.post("/predict", json={"text": TEXT})
    assert response.status_code == 504
    message = response.json()["message"]
    assert re.fullmatch(
        r"prediction cancelled after \d+\.\d s \(it had waited \d+\.\d s for the model\): over the limit "
        r"of 1e-06 s per prediction; send shorter texts or fewer per request",
        message,
    ), message
    with TestClient(create_app(predictor)) as relaxed:  # the lock was released: the next request runs
        assert relaxed.post("/predict", json={"text": TEXT}).json() == predictor.predict(TEXT).to_dict()


class _Spinning:
    """Pure-Python work that would run for a minute (like building stance candidates for hundreds of actors)."""

    def __init__(self, real):
        self.config, self.labels, self.swallowed = real.config, real.labels, 0

    def predict(self, texts, **kwargs):
        stop = time.monotonic() + 60
        while time.monotonic() < stop:
            try:
                sum(range(1000))
            except Exception:  # noqa: BLE001 - a predictor's own broad handler must not swallow the cancellation
                self.swallowed += 1
        return []


def test_python_work_over_budget_is_cancelled_too(predictor):
    spinning = _Spinning(predictor)
    with TestClient(create_app(spinning, ServeLimits(predict_seconds=0.5))) as strict:
        started = time.monotonic()
        response = strict.post("/predict", json={"text": TEXT})
        took = time.monotonic() - started
        assert response.status_code == 504 and response.json()["error"] == "over_time_budget"
        assert took < 5 and spinning.swallowed == 0
        assert strict.get("/health").json() == {"status": "ok"}


def test_a_limit_raised_by_the_predictor_is_422(predictor):
    over = _Recording(predictor, error=LimitExceeded("text 0: 20,001 stance candidates, over the limit of 20,000"))
    with TestClient(create_app(over)) as limited:
        response = limited.post("/predict", json={"text": TEXT})
    assert response.status_code == 422
    assert response.json() == {"error": "over_limit", "message": "text 0: 20,001 stance candidates, over the limit of 20,000"}
