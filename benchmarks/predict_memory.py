"""Peak memory and time of one ``Predictor.predict`` by text length, each length in a fresh process.

The text is the seed article repeated (cut at a sentence end) to each length, so every length has
news prose with the seed's density of actors. Each process loads the run, records its peak RSS
after loading, predicts once and records the peak RSS again; a length that runs past
``--timeout`` seconds is killed and reported with the peak RSS it had reached (read from
/proc while it runs), so the whole run takes at most ``len(lengths) x timeout``.

    python benchmarks/predict_memory.py RUN_DIR [--lengths 2500,10000,25000,50000,100000]
                                        [--timeout 100] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED_TEXT = REPO / "seeds" / "000_5d92d8553a383cf3.txt"


def text_of_length(characters: int) -> str:
    """The seed article repeated and cut at the last sentence end at or before ``characters``."""
    seed = SEED_TEXT.read_text(encoding="utf-8").strip()
    text = "\n\n".join([seed] * (characters // len(seed) + 1))[:characters]
    end = text.rfind(". ")
    return text[: end + 1] if end > 0 and len(text) == characters else text


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB


def measure_one(run_dir: str, characters: int) -> dict:
    """Run in the child process: load, predict one text of ``characters``, report."""
    from actorstance.predictor import Predictor

    predictor = Predictor.from_pretrained(run_dir, device="cpu")
    text = text_of_length(characters)
    loaded = _peak_rss_mb()
    started = time.perf_counter()
    article = predictor.predict(text)
    return {
        "characters": len(text),
        "seconds": round(time.perf_counter() - started, 2),
        "peak_rss_after_load_mb": loaded,
        "peak_rss_mb": _peak_rss_mb(),
        "actors": len(article.actors),
        "mentions": len(article.mentions),
        "stances": len(article.stances),
    }


def _peak_rss_of(pid: int) -> float | None:
    """Peak RSS so far of a running process (VmHWM, Linux), in MB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return round(int(match.group(1)) / 1024, 1) if match else None


def _measure_in_child(run_dir: str, characters: int, timeout: float) -> dict:
    """One length in a fresh process; killed after ``timeout`` s, its peak RSS up to then still reported."""
    command = [sys.executable, __file__, run_dir, "--one", str(characters)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    stop_at, peak = time.monotonic() + timeout, None
    while child.poll() is None and time.monotonic() < stop_at:
        peak = _peak_rss_of(child.pid) or peak
        time.sleep(0.2)
    if child.poll() is None:
        peak = _peak_rss_of(child.pid) or peak
        child.kill()
        child.communicate()
        return {"characters": characters, "error": f"over {timeout:g} s, loading included (killed)", "peak_rss_mb": peak}
    out, err = child.communicate()
    if child.returncode != 0:
        return {"characters": characters, "error": err[-500:]}
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run_dir")
    parser.add_argument("--lengths", default="2500,10000,25000,50000,100000")
    parser.add_argument("--timeout", type=float, default=100.0, help="seconds one length may take, loading included")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the child process's length
    parser.add_argument("--json", dest="json_path")
    args = parser.parse_args(argv)
    if args.one is not None:
        print(json.dumps(measure_one(args.run_dir, args.one)))
        return
    rows = []
    for characters in (int(value) for value in args.lengths.split(",")):
        rows.append(_measure_in_child(args.run_dir, characters, args.timeout))
        print(json.dumps(rows[-1]), flush=True)
    result = {"run_dir": args.run_dir, "timeout_s": args.timeout, "rows": rows}
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
