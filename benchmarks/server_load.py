"""Load test of ``actorstance serve``: throughput and latency with 1, 4 and 8 concurrent clients.

For each client count the server of a checkout (``--repo``, default this one) is started afresh on
127.0.0.1 on a free port (so no phase inherits another's queue); N clients send one article
(default: the seed article) in a closed loop, each sending its next request when its last one is
answered, while ``/health`` is probed every half second; after ``--seconds`` the phase ends,
requests still unanswered are abandoned and counted as unfinished, and the server is stopped.
With ``--long-chars N`` one more client sends a single text of N characters (the seed repeated)
at the start of each phase: does one long request hold up everybody else? The whole run stops
after ``--deadline`` seconds whatever happens. Only 127.0.0.1 is ever contacted.

    python benchmarks/server_load.py RUN_DIR [--repo PATH] [--label NAME] [--clients 1,4,8]
        [--seconds 90] [--long-chars 100000] [--serve-option=--max-waiting=16 ...] [--json PATH]

Per phase: answers by status (and "unfinished"), throughput (200s per second of the phase),
latency p50/p95 over every request sent ("unfinished" counts as longer than the phase, so a
percentile that falls on one is reported as ``">90"``), and p50/max latency of ``/health``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
SEED_TEXT = REPO / "seeds" / "000_5d92d8553a383cf3.txt"
HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _percentile(latencies: list[float], share: float, phase_s: float) -> float | str | None:
    """The ``share`` quantile; unfinished requests (inf) count as longer than the phase."""
    if not latencies:
        return None
    value = sorted(latencies)[min(len(latencies) - 1, int(share * len(latencies)))]
    return f">{phase_s:g}" if value == float("inf") else round(value, 3)


def text_of_length(seed: str, characters: int) -> str:
    return "\n\n".join([seed] * (characters // len(seed) + 1))[:characters]


def start_server(run_dir: Path, repo: Path, options: list[str], wait_s: float) -> tuple[subprocess.Popen, str]:
    """The server of ``repo`` serving ``run_dir`` on 127.0.0.1, once ``/health`` answers."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(repo), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    command = [sys.executable, "-m", "actorstance", "serve", str(run_dir), "--host", HOST, "--port", str(port), "--log-level", "warning", *options]
    process = subprocess.Popen(command, cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://{HOST}:{port}"
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read().decode(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    stop_server(process)
    raise RuntimeError(f"server did not answer /health within {wait_s:.0f} s")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


async def _phase(base: str, text: str, clients: int, seconds: float, long_text: str | None) -> dict:
    """``clients`` closed-loop clients for ``seconds`` (plus one long request if given); /health probed meanwhile."""
    latencies: list[float] = []  # one per request sent, inf when unanswered at the end of the phase
    statuses: dict[str, int] = {}
    health: list[float] = []
    long_request: dict = {}
    started = time.monotonic()
    stop_at = started + seconds

    def record(status: str, sent: float, into: dict) -> float:
        into[status] = into.get(status, 0) + 1
        return time.monotonic() - sent

    async with httpx.AsyncClient(base_url=base, timeout=seconds + 5, limits=httpx.Limits(max_connections=clients + 3)) as session:

        async def client() -> None:
            while time.monotonic() < stop_at:
                sent = time.monotonic()
                latencies.append(float("inf"))
                slot = len(latencies) - 1
                retry_after = 0.0
                try:
                    response = await session.post("/predict", json={"text": text})
                    status, retry_after = str(response.status_code), float(response.headers.get("retry-after", 0))
                except httpx.HTTPError as error:
                    status = type(error).__name__
                latency = record(status, sent, statuses)
                # a refusal is answered, but without a prediction: left out of the percentiles (NaN)
                latencies[slot] = latency if status == "200" else float("nan")
                await asyncio.sleep(min(retry_after, max(0.0, stop_at - time.monotonic())))  # as a polite client would

        async def long_client() -> None:
            sent = time.monotonic()
            try:
                status = str((await session.post("/predict", json={"text": long_text})).status_code)
            except httpx.HTTPError as error:
                status = type(error).__name__
            long_request.update(status=status, seconds=round(time.monotonic() - sent, 1), characters=len(long_text or ""))

        async def probe() -> None:
            while time.monotonic() < stop_at:
                sent = time.monotonic()
                try:
                    await session.get("/health", timeout=10)
                    health.append(time.monotonic() - sent)
                except httpx.HTTPError:
                    health.append(float("inf"))
                await asyncio.sleep(0.5)

        tasks = [asyncio.ensure_future(job) for job in (probe(), *(client() for _ in range(clients)))]
        if long_text:
            tasks.append(asyncio.ensure_future(long_client()))
        await asyncio.wait(tasks, timeout=max(0.0, stop_at - time.monotonic()) + 0.5)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    elapsed = time.monotonic() - started
    predicted = [value for value in latencies if value == value]  # without NaN (refused requests)
    unfinished = sum(1 for value in latencies if value == float("inf"))
    if unfinished:
        statuses["unfinished"] = unfinished
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "statuses": dict(sorted(statuses.items())),
        "throughput_per_s": round(sum(1 for value in predicted if value != float("inf")) / elapsed, 4),
        "latency_p50_s": _percentile(predicted, 0.50, seconds),
        "latency_p95_s": _percentile(predicted, 0.95, seconds),
        "health_p50_ms": round(1000 * statistics.median(health), 1) if health else None,
        "health_max_ms": round(1000 * max(health), 1) if health else None,
        **({"long_request": long_request or {"status": "unfinished", "characters": len(long_text)}} if long_text else {}),
    }


def run(args: argparse.Namespace) -> dict:
    text = Path(args.text).read_text(encoding="utf-8")
    long_text = text_of_length(text, args.long_chars) if args.long_chars else None
    phases = []
    for clients in (int(c) for c in args.clients.split(",")):
        process, base = start_server(Path(args.run_dir), Path(args.repo), args.serve_option, wait_s=120)
        try:
            phases.append(asyncio.run(_phase(base, text, clients, args.seconds, long_text)))
        finally:
            stop_server(process)
        print(json.dumps(phases[-1]), flush=True)
    return {
        "label": args.label,
        "run_dir": str(args.run_dir),
        "text": {"file": Path(args.text).name, "characters": len(text)},
        "serve_options": args.serve_option,
        "cpu_count": os.cpu_count(),
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "phases": phases,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run_dir")
    parser.add_argument("--repo", default=str(REPO), help="checkout whose server is measured (its actorstance package)")
    parser.add_argument("--label", default="after", help="name of this measurement in the result file (e.g. the commit)")
    parser.add_argument("--clients", default="1,4,8")
    parser.add_argument("--seconds", type=float, default=90.0, help="length of each client-count phase")
    parser.add_argument("--long-chars", type=int, default=0, help="also send one text of this many characters per phase")
    parser.add_argument("--deadline", type=float, default=900.0, help="the whole run stops after this many seconds")
    parser.add_argument("--text", default=str(SEED_TEXT))
    parser.add_argument("--serve-option", action="append", default=[], help="extra option for actorstance serve (repeatable)")
    parser.add_argument("--json", dest="json_path")
    args = parser.parse_args(argv)
    if sys.platform.startswith("linux"):
        import signal

        signal.signal(signal.SIGALRM, lambda *_: sys.exit(f"stopped: over --deadline {args.deadline:.0f} s"))
        signal.alarm(int(args.deadline))
    result = run(args)
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
