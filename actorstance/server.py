"""HTTP API over a `Predictor`: ``create_app(predictor, limits)`` returns a FastAPI app; nothing loads at import.

    POST /predict   {"text": "..."} -> one corpus record; {"texts": [...]} -> a list of records;
                    optional "mentions" (a list per text) classifies given spans instead of tagging
    GET  /health    liveness
    GET  /metadata  labels, model, run, version, backend, limits
    GET  /docs      OpenAPI docs

Errors are JSON ``{"error": KIND, "message": "...", "detail": [...]}``: 400 body is not JSON,
413 body over ``max_body_bytes``, 415 body not sent as JSON, 422 a field is missing, of the wrong type or over a limit (the
message names the field), 500 only when the model itself fails (no traceback in the answer; it is
logged). Inference runs in a worker thread, one request at a time behind a lock, so the event loop
keeps answering ``/health`` while a long batch runs.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from .limits import BATCH_SIZE, MAX_BATCH_SIZE, MAX_BODY_BYTES, MAX_TEXT_CHARS
from .schema import Article
from .text import text_problem

__all__ = ["ServeLimits", "PredictRequest", "MentionInput", "create_app", "app_from_env"]

logger = logging.getLogger("actorstance.server")


class ServeLimits(BaseModel):
    """Request limits; requests over them get a 413 or 422 that says which limit and by how much."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_body_bytes: int = Field(default=MAX_BODY_BYTES, ge=1, description="largest request body accepted (413 above)")
    max_text_chars: int = Field(default=MAX_TEXT_CHARS, ge=1, description="longest text accepted, in characters (422 above)")
    max_batch_size: int = Field(default=MAX_BATCH_SIZE, ge=1, description="most texts in one request (422 above)")
    batch_size: int = Field(default=BATCH_SIZE, ge=1, description="model batch size used for each request")


class MentionInput(BaseModel):
    """A span to classify in given-mentions mode; mentions with the same ``actor`` form one actor."""

    model_config = ConfigDict(extra="forbid")

    start: StrictInt = Field(ge=0)
    end: StrictInt = Field(ge=1)
    actor: StrictStr | None = None


class PredictRequest(BaseModel):
    """Exactly one of ``text`` and ``texts``; ``mentions`` optional (a list for ``text``, a list of lists for ``texts``)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"text": "Iran backs Hezbollah. The UN condemned the attack."}]},
    )

    text: StrictStr | None = None
    texts: list[StrictStr] | None = None
    mentions: list[MentionInput] | list[list[MentionInput]] | None = None


class _Problem(Exception):
    def __init__(self, status: int, kind: str, message: str, detail: list[dict] | None = None):
        self.status, self.kind, self.message, self.detail = status, kind, message, detail or []


def _error(status: int, kind: str, message: str, detail: list[dict] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"error": kind, "message": message}
    if detail:
        body["detail"] = detail
    return JSONResponse(status_code=status, content=body)


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
        problems.append(_invalid(["texts"], f"{len(texts)} texts, over the limit of {limits.max_batch_size} per request"))
    for index, text in enumerate(texts):
        where = ["text"] if single else ["texts", index]
        if len(text) > limits.max_text_chars:
            problems.append(_invalid(where, f"{len(text)} characters, over the limit of {limits.max_text_chars}"))
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


def create_app(predictor, limits: ServeLimits | None = None) -> FastAPI:
    """The API over an already loaded predictor (see `actorstance.predict_io.load_predictor`)."""
    from . import __version__

    limits = limits or ServeLimits()
    lock = threading.Lock()
    app = FastAPI(
        title="actorstance",
        version=__version__,
        description="Actors with roles, and directed stances between them, in news articles.",
    )
    app.add_middleware(_BodyLimit, limit=limits.max_body_bytes)

    @app.exception_handler(_Problem)
    async def _problem(_: Request, problem: _Problem) -> JSONResponse:
        return _error(problem.status, problem.kind, problem.message, problem.detail)

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

    def _run(texts: list[str], mentions: list | None) -> list[dict]:
        given = None if mentions is None else [[m.model_dump(exclude_none=True) for m in items] for items in mentions]
        with lock:
            results = predictor.predict(texts, mentions=given, batch_size=limits.batch_size)
        return [article.to_dict() for article in results]

    @app.post(
        "/predict",
        summary="Actors, roles and stances for one text or a batch",
        responses={
            200: {"description": "a corpus record (for 'text') or a list of them (for 'texts')", "model": Article},
            400: {"description": "body is not JSON"},
            413: {"description": "body over max_body_bytes"},
            415: {"description": "body not sent with Content-Type: application/json"},
            422: {"description": "a field is missing, of the wrong type or over a limit"},
            500: {"description": "the model failed"},
        },
    )
    async def predict(request: PredictRequest) -> JSONResponse:
        texts, mentions, single = _check(request, limits)
        try:
            records = await run_in_threadpool(_run, texts, mentions)
        except Exception as error:  # noqa: BLE001 - answered as a JSON 500, traceback only in the log
            logger.exception("prediction failed")
            return _error(500, "prediction_failed", f"the model failed on this request ({type(error).__name__}); see the server log")
        return JSONResponse(records[0] if single else records)

    @app.get("/health", summary="Liveness")
    async def health() -> dict:
        return {"status": "ok"}

    @app.get("/metadata", summary="Labels, model, run, version and limits")
    async def metadata() -> dict:
        config = predictor.config
        return {
            "version": __version__,
            "run": config.name,
            "model": config.model.name,
            "tasks": list(config.tasks),
            "labels": {"name": predictor.labels.name, "roles": list(predictor.labels.roles), "stances": list(predictor.labels.stances)},
            "backend": getattr(predictor, "backend", "torch"),
            "device": str(getattr(predictor, "device", "cpu")),
            "limits": limits.model_dump(),
        }

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
