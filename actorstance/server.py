"""HTTP API over a `Predictor`: ``create_app(predictor, limits)`` returns a FastAPI app; nothing loads at import.

    POST /predict    {"text": "..."} -> one corpus record; {"texts": [...]} -> a list of records;
                     optional "mentions" (a list per text) classifies given spans instead of tagging,
                     optional "min_score" (0-1) keeps only stances scored at least that
    GET  /health     liveness (answers while a prediction runs)
    GET  /metadata   labels, model, run, version, backend, limits
    GET  /docs       Swagger UI, and /redoc: pages whose scripts and styles this server serves itself

Errors are JSON ``{"error": KIND, "message": "...", "detail": [...]}`` (`ErrorBody`): 400 body is not
JSON, 413 body over ``max_body_bytes``, 415 body not sent as JSON, 422 a field is missing, of the
wrong type or over a limit (the message names the field), 503 the model is busy (the queue is full,
or the request could not start within ``wait_seconds``; with Retry-After), 504 the prediction ran
past ``predict_seconds`` and was cancelled, 500 only when the model itself fails (no traceback in the
answer; it is logged).

Scheduling: one prediction at a time (the model already uses every core), in a worker thread so
the event loop keeps answering ``/health``. At most ``max_waiting`` requests wait behind it, each at
most ``wait_seconds``; a prediction still running after ``predict_seconds`` is stopped (see
`_Scheduler`) and the next request starts, so one long text can no longer hold the model for minutes.
"""

from __future__ import annotations

import ctypes
import logging
import threading
import time
from typing import Annotated, Any, Literal

from fastapi import Body, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from .limits import (
    BATCH_SIZE,
    MAX_BATCH_SIZE,
    MAX_BODY_BYTES,
    MAX_TEXT_CHARS,
    MAX_WAITING_REQUESTS,
    PREDICT_SECONDS,
    WAIT_SECONDS,
    LimitExceeded,
)
from .schema import Article
from .text import text_problem

__all__ = [
    "ServeLimits",
    "PredictRequest",
    "MentionInput",
    "ErrorBody",
    "Health",
    "Metadata",
    "create_app",
    "app_from_env",
]

logger = logging.getLogger("actorstance.server")


class ServeLimits(BaseModel):
    """Request limits (defaults from `actorstance.limits`); requests over them get a 413, 422, 503 or 504 that says which limit."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_body_bytes: int = Field(default=MAX_BODY_BYTES, ge=1, description="largest request body accepted, in bytes (413 above)")
    max_text_chars: int = Field(default=MAX_TEXT_CHARS, ge=1, description="longest text accepted, in characters (422 above)")
    max_batch_size: int = Field(default=MAX_BATCH_SIZE, ge=1, description="most texts in one request (422 above)")
    batch_size: int = Field(default=BATCH_SIZE, ge=1, description="model batch size used for each request")
    wait_seconds: float = Field(default=WAIT_SECONDS, gt=0, description="longest a request waits for the model (503 above)")
    predict_seconds: float = Field(default=PREDICT_SECONDS, gt=0, description="longest a request may predict (cancelled with 504 above)")
    max_waiting: int = Field(default=MAX_WAITING_REQUESTS, ge=0, description="requests that may wait behind the running one (503 above)")


class MentionInput(BaseModel):
    """A span to classify in given-mentions mode; mentions with the same ``actor`` form one actor."""

    model_config = ConfigDict(extra="forbid")

    start: StrictInt = Field(ge=0, description="first character of the span (0-based, Python code points)")
    end: StrictInt = Field(ge=1, description="character after the last one (end exclusive)")
    actor: StrictStr | None = Field(default=None, description="actor id; mentions sharing it form one actor (default: one actor per mention)")


_EXAMPLE_TEXT = "Iran backs Hezbollah. The UN condemned the attack."


class PredictRequest(BaseModel):
    """Exactly one of ``text`` and ``texts``; ``mentions`` optional (a list for ``text``, a list of lists for ``texts``)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"text": _EXAMPLE_TEXT}]})

    text: StrictStr | None = Field(default=None, description="one article; the answer is one record")
    texts: list[StrictStr] | None = Field(default=None, description="several articles; the answer is a list of records in the same order")
    mentions: list[MentionInput] | list[list[MentionInput]] | None = Field(
        default=None, description="spans to classify instead of tagging them: one list for 'text', one list per text for 'texts'"
    )
    min_score: StrictFloat | None = Field(
        default=None, ge=0, le=1, description="keep only stances scored at least this (0-1); default: the run's own decision"
    )


_REQUEST_EXAMPLES = {
    "one text": {"summary": "one article", "value": {"text": _EXAMPLE_TEXT}},
    "several texts": {"summary": "a batch (the answer is a list)", "value": {"texts": [_EXAMPLE_TEXT, "Russian troops fought rebels near Idlib."]}},
    "given mentions": {
        "summary": "classify given spans",
        "value": {"text": "Iran backs Hezbollah.", "mentions": [{"start": 0, "end": 4, "actor": "IRN"}, {"start": 11, "end": 20}]},
    },
    "threshold": {"summary": "only confident stances", "value": {"text": _EXAMPLE_TEXT, "min_score": 0.8}},
}  # fmt: skip


class ErrorDetail(BaseModel):
    loc: list[str | int] = Field(description="where: 'body', then the path to the field")
    msg: str = Field(description="what is wrong there")
    type: str = Field(description="machine-readable kind of the problem")


class ErrorBody(BaseModel):
    """Every error answer: a kind to branch on and a message for a person."""

    error: str = Field(
        description="bad_json, bad_request, too_large, unsupported_media_type, validation_error, over_limit, not_found, "
        "method_not_allowed, busy, over_time_budget, prediction_failed or internal_error"
    )
    message: str = Field(description="what went wrong, naming the field or limit")
    detail: list[ErrorDetail] | None = Field(default=None, description="one entry per problem (validation errors)")


class Health(BaseModel):
    status: Literal["ok"] = Field(description="always 'ok' while the server answers")


class LabelSet(BaseModel):
    name: str = Field(description="name of the label schema")
    roles: list[str] = Field(description="the role labels actors get")
    stances: list[str] = Field(description="the stance labels (NONE is never returned)")


class Metadata(BaseModel):
    version: str = Field(description="actorstance version")
    run: str = Field(description="name of the served run")
    model: str = Field(description="encoder the run was fine-tuned from")
    tasks: list[str] = Field(description="what the run predicts: roles, stance")
    labels: LabelSet = Field(description="labels the answers use")
    backend: str = Field(description="inference backend: torch, compile, onnx or onnx-int8")
    device: str = Field(description="device the model runs on")
    limits: ServeLimits = Field(description="the limits this server enforces")


_RECORD_FIELDS = {
    "Span": {"start": "first character (0-based, Python code points)", "end": "character after the last one (end exclusive)"},
    "Mention": {
        "start": "first character (0-based, Python code points)", "end": "character after the last one (end exclusive)",
        "text": "the text between start and end", "actor": "id of the actor this mention refers to", "score": "model confidence (0-1)",
    },
    "Actor": {
        "id": "actor id, unique within the article", "name": "canonical name", "role": "role label (one of the served run's roles)",
        "other_roles": "further roles the model found likely", "score": "model confidence in the role (0-1)",
        "code": "actor-dictionary code, when the actor was linked to one",
    },
    "Stance": {
        "holder": "id of the actor holding the stance, or AUTHOR (the article's own voice)", "target": "id of the actor it is about",
        "label": "stance label (one of the served run's stances)", "evidence": "spans of the text that express it",
        "score": "model confidence (0-1)",
    },
    "Article": {
        "id": "'doc-N' for the N-th text of the request (0-based)", "text": "the text as sent", "meta": "free-form metadata",
        "actors": "actors found, with roles", "mentions": "spans naming an actor", "stances": "directed stances between actors",
        "split": "corpus split (absent in predictions)",
    },
}  # fmt: skip


def _document(schema: dict, roles: list[str], stances: list[str]) -> dict:
    """Field descriptions for the corpus records, and their role and stance labels as enums of the served run."""
    components = schema["components"]["schemas"]
    for name, fields in _RECORD_FIELDS.items():
        for field, description in fields.items():
            components[name]["properties"][field].setdefault("description", description)
    actor, stance = components["Actor"]["properties"], components["Stance"]["properties"]
    actor["role"]["enum"] = list(roles)
    for option in actor["other_roles"].get("anyOf", [actor["other_roles"]]):
        if option.get("type") == "array":
            option["items"]["enum"] = list(roles)
    stance["label"]["enum"] = list(stances)
    return schema


class _Problem(Exception):
    def __init__(self, status: int, kind: str, message: str, detail: list[dict] | None = None, headers: dict | None = None):
        self.status, self.kind, self.message, self.detail, self.headers = status, kind, message, detail or [], headers


def _error(status: int, kind: str, message: str, detail: list[dict] | None = None, headers: dict | None = None) -> JSONResponse:
    body: dict[str, Any] = {"error": kind, "message": message}
    if detail:
        body["detail"] = detail
    return JSONResponse(status_code=status, content=body, headers=headers)


def _field(location: list | tuple) -> str:
    """``["body", "mentions", "list[MentionInput]", 0, "start"]`` -> ``mentions.0.start`` (union tags dropped)."""
    parts = [str(part) for part in location if part != "body" and not (isinstance(part, str) and "[" in part)]
    return ".".join(parts) or "body"


def _invalid(location: list, message: str) -> dict:
    return {"loc": ["body", *location], "msg": message, "type": "value_error"}


class _BodyLimit:
    """ASGI middleware: refuse bodies over ``limit`` bytes (by Content-Length, and while streaming in)."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and not declared.isdigit():
            return await _error(400, "bad_request", "invalid Content-Length header")(scope, receive, send)
        if declared is not None and int(declared) > self.limit:
            message = f"request body of {int(declared)} bytes is over the limit of {self.limit} bytes"
            return await _error(413, "too_large", message)(scope, receive, send)
        received = 0

        async def limited():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise HTTPException(413, f"request body is over the limit of {self.limit} bytes")
            return message

        return await self.app(scope, limited, send)


def _check(request: PredictRequest, limits: ServeLimits) -> tuple[list[str], list | None, bool]:
    """The texts and mention lists to predict, and whether one text was sent; raises 422 problems naming fields."""
    problems: list[dict] = []
    if (request.text is None) == (request.texts is None):
        raise _Problem(422, "validation_error", "send exactly one of 'text' (a string) or 'texts' (a list of strings)",
                       [_invalid([], "exactly one of 'text' or 'texts' is required")])  # fmt: skip
    single = request.text is not None
    texts = [request.text] if single else list(request.texts or [])
    if not single and not texts:
        problems.append(_invalid(["texts"], "at least one text is required"))
    if len(texts) > limits.max_batch_size:
        problems.append(_invalid(["texts"], f"{len(texts):,} texts, over the limit of {limits.max_batch_size:,} per request"))
    for index, text in enumerate(texts):
        where = ["text"] if single else ["texts", index]
        if len(text) > limits.max_text_chars:
            problems.append(_invalid(where, f"{len(text):,} characters, over the limit of {limits.max_text_chars:,}"))
        problem = text_problem(text)
        if problem:
            problems.append(_invalid(where, problem))
    mentions = None
    if request.mentions is not None:
        nested = bool(request.mentions) and isinstance(request.mentions[0], list)
        if single and nested:
            problems.append(_invalid(["mentions"], "with 'text', 'mentions' is one list of mentions"))
        elif not single and request.mentions and not nested:
            problems.append(_invalid(["mentions"], "with 'texts', 'mentions' is a list of lists (one per text)"))
        elif not single and len(request.mentions) != len(texts):
            problems.append(_invalid(["mentions"], f"{len(request.mentions)} lists for {len(texts)} texts"))
        else:
            mentions = [request.mentions] if single else list(request.mentions)
            for text_index, (text, given) in enumerate(zip(texts, mentions)):
                for index, mention in enumerate(given):
                    if not mention.start < mention.end <= len(text):
                        where = ["mentions", index] if single else ["mentions", text_index, index]
                        problems.append(_invalid(where, f"span [{mention.start}, {mention.end}) is empty or outside the text (length {len(text)})"))
    if problems:
        message = "; ".join(f"{_field(p['loc'])}: {p['msg']}" for p in problems)
        raise _Problem(422, "validation_error", message, problems)
    return texts, mentions, single


class _OverBudget(BaseException):
    """Raised in the worker thread when its request passes its deadline; a BaseException, so no
    ``except Exception`` inside the predictor can swallow it."""


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    """Raise ``exception`` in another thread at its next Python instruction (None drops a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), None if exception is None else ctypes.py_object(exception))


class _Scheduler:
    """One prediction at a time; at most ``max_waiting`` waiting, each up to ``wait_seconds``; each stopped at ``predict_seconds``.

    A watchdog timer raises `_OverBudget` in the predicting thread at the deadline. It lands at the
    next Python instruction: between two model batches (a forward pass is not interrupted, about a
    second on CPU) or anywhere in the Python work around them (sentence splitting, actor grouping,
    building stance candidates), so no phase of a prediction can hold the model past the budget.
    """

    def __init__(self, predictor, limits: ServeLimits):
        self.predictor, self.limits = predictor, limits
        self.model_lock = threading.Lock()
        self.state = threading.Lock()  # guards `running` between the worker and its watchdog
        self.running: int | None = None  # thread id of the prediction in progress
        self.admitted = 0  # running + waiting; changed only on the event loop, so no lock

    async def predict(self, texts: list[str], mentions: list | None, min_score: float | None) -> list[dict]:
        if self.admitted > self.limits.max_waiting:
            message = f"{self.admitted} requests are already running or waiting for the model (limit {self.limits.max_waiting + 1}); retry shortly"
            raise _Problem(503, "busy", message, headers={"Retry-After": "5"})
        self.admitted += 1
        try:
            return await run_in_threadpool(self._run, texts, mentions, min_score, time.monotonic())
        finally:
            self.admitted -= 1

    def _cancel(self, worker: int) -> None:
        with self.state:
            if self.running == worker:
                _raise_in(worker, _OverBudget)

    def _finish(self, worker: int) -> None:
        with self.state:
            self.running = None
            _raise_in(worker, None)  # a cancellation that came after the prediction ended is dropped

    def _run(self, texts: list[str], mentions: list | None, min_score: float | None, arrival: float) -> list[dict]:
        if not self.model_lock.acquire(timeout=max(0.0, arrival + self.limits.wait_seconds - time.monotonic())):
            message = f"the model stayed busy for the longest wait of {self.limits.wait_seconds:g} s; retry later"
            raise _Problem(503, "busy", message, headers={"Retry-After": "5"})
        started = time.monotonic()
        budget = self.limits.predict_seconds
        worker = threading.get_ident()
        given = None if mentions is None else [[m.model_dump(exclude_none=True) for m in items] for items in mentions]
        watchdog = threading.Timer(budget, self._cancel, args=(worker,))
        try:
            try:
                with self.state:
                    self.running = worker
                watchdog.start()
                results = self.predictor.predict(texts, mentions=given, batch_size=self.limits.batch_size, min_score=min_score)
            finally:
                watchdog.cancel()
                self._finish(worker)
        except _OverBudget:
            self._finish(worker)  # in case it landed inside the first _finish
            ran, waited = time.monotonic() - started, started - arrival
            message = (
                f"prediction cancelled after {ran:.1f} s (it had waited {waited:.1f} s for the model): over the limit "
                f"of {budget:g} s per prediction; send shorter texts or fewer per request"
            )
            raise _Problem(504, "over_time_budget", message) from None
        finally:
            self.model_lock.release()
        return [article.to_dict() for article in results]


def create_app(predictor, limits: ServeLimits | None = None) -> FastAPI:
    """The API over an already loaded predictor (see `actorstance.predict_io.load_predictor`)."""
    from fastapi_offline import FastAPIOffline

    from . import __version__

    limits = limits or ServeLimits()
    scheduler = _Scheduler(predictor, limits)
    app = FastAPIOffline(
        title="actorstance",
        version=__version__,
        description="Actors with roles, and directed stances between them, in news articles.",
        swagger_ui_parameters={"validatorUrl": None},  # Swagger UI would otherwise call validator.swagger.io
    )
    app.add_middleware(_BodyLimit, limit=limits.max_body_bytes)

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            app.openapi_schema = _document(schema, predictor.labels.roles, predictor.labels.stances)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.exception_handler(_Problem)
    async def _problem(_: Request, problem: _Problem) -> JSONResponse:
        return _error(problem.status, problem.kind, problem.message, problem.detail, problem.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        content_type = request.headers.get("content-type", "")
        if "json" not in content_type.lower() and int(request.headers.get("content-length") or 0) > 0:
            given = f"Content-Type {content_type!r}" if content_type else "no Content-Type"
            return _error(415, "unsupported_media_type", f"send the body as JSON with Content-Type: application/json ({given})")
        details = [
            {"loc": list(item.get("loc", [])), "msg": item.get("msg", ""), "type": item.get("type", "")}
            for item in error.errors()
        ]
        if any(item["type"] == "json_invalid" for item in details):
            reason = next(str(item.get("ctx", {}).get("error", "")) for item in error.errors() if item.get("type") == "json_invalid")
            return _error(400, "bad_json", f"request body is not valid JSON{': ' + reason if reason else ''}")
        message = "; ".join(f"{_field(item['loc'])}: {item['msg']}" for item in details)
        return _error(422, "validation_error", message, details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, error: StarletteHTTPException) -> JSONResponse:
        kinds = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large", 415: "unsupported_media_type"}
        kind = kinds.get(error.status_code, "error")
        return _error(error.status_code, kind, str(error.detail))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, error: Exception) -> JSONResponse:  # pragma: no cover - last resort
        logger.exception("unhandled error")
        return _error(500, "internal_error", f"internal error ({type(error).__name__}); see the server log")

    def answer(description: str) -> dict:
        return {"description": description, "model": ErrorBody}

    @app.post(
        "/predict",
        summary="Actors, roles and stances for one text or a batch",
        response_model=None,
        responses={
            200: {"description": "one record for 'text', a list of records (in order) for 'texts'", "model": Article | list[Article]},
            400: answer("body is not JSON"),
            413: answer("body over max_body_bytes"),
            415: answer("body not sent with Content-Type: application/json"),
            422: answer("a field is missing, of the wrong type or over a limit"),
            500: answer("the model failed"),
            503: answer("the model is busy: too many requests waiting, or this one could not start within wait_seconds (see Retry-After)"),
            504: answer("the prediction ran past predict_seconds and was cancelled"),
        },
    )
    async def predict(request: Annotated[PredictRequest, Body(openapi_examples=_REQUEST_EXAMPLES)]) -> JSONResponse:
        texts, mentions, single = _check(request, limits)
        try:
            records = await scheduler.predict(texts, mentions, request.min_score)
        except _Problem:
            raise
        except LimitExceeded as error:
            return _error(422, "over_limit", str(error))
        except Exception as error:  # noqa: BLE001 - answered as a JSON 500, traceback only in the log
            logger.exception("prediction failed")
            return _error(500, "prediction_failed", f"the model failed on this request ({type(error).__name__}); see the server log")
        return JSONResponse(records[0] if single else records)

    @app.get("/health", summary="Liveness")
    async def health() -> Health:
        return Health(status="ok")

    @app.get("/metadata", summary="Labels, model, run, version and limits")
    async def metadata() -> Metadata:
        config = predictor.config
        labels = predictor.labels
        return Metadata(
            version=__version__,
            run=config.name,
            model=config.model.name,
            tasks=list(config.tasks),
            labels=LabelSet(name=labels.name, roles=list(labels.roles), stances=list(labels.stances)),
            backend=getattr(predictor, "backend", "torch"),
            device=str(getattr(predictor, "device", "cpu")),
            limits=limits,
        )

    return app


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory actorstance.server:app_from_env`` (several workers): reads
    ``ACTORSTANCE_RUN_DIR`` and optional ``ACTORSTANCE_BACKEND`` / ``ACTORSTANCE_DEVICE``."""
    import os

    from .predict_io import load_predictor

    run_dir = os.environ.get("ACTORSTANCE_RUN_DIR")
    if not run_dir:
        raise RuntimeError("set ACTORSTANCE_RUN_DIR to a run directory")
    predictor = load_predictor(run_dir, device=os.environ.get("ACTORSTANCE_DEVICE"), backend=os.environ.get("ACTORSTANCE_BACKEND", "torch"))
    return create_app(predictor)
