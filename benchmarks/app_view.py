"""``formcheck app``'s camera view: frames per second reaching the page and the delay from capture
to the page, at 640x480, against ``formcheck live``'s own frame rate measured in the same run.

    python benchmarks/app_view.py [--clip REL] [--seconds 13] [--exercise forearm_plank] [--no-live]

The clip is made as ``benchmarks/live_latency.py`` makes it (a real clip letterboxed to 640x480 at
30 fps, or a rendered plank without the real data) and played as the camera in real time. The app
runs in this process (uvicorn on a free localhost port) with a one-step routine of that exercise;
an HTTP client reads ``/video.mjpg`` exactly as the page's ``<img>`` does, and for each JPEG part
takes the moment it arrived minus the capture time the part carries (``X-Captured-S``, the same
``perf_counter`` clock, since server and client share the process). That is capture -> pose ->
score -> draw -> JPEG -> HTTP -> client; the browser's own JPEG decode and paint (a few ms) is not
in it. Then ``formcheck live``'s loop runs on the same clip in an OpenCV window (the current
DISPLAY or a private Xvfb) for the ratio.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import uvicorn  # noqa: E402  (after the path: the benchmark runs from a checkout)

from benchmarks.live_latency import DEFAULT_CLIP, display, letterboxed_clip, run as run_live  # noqa: E402
from formcheck.app.runner import AppSettings  # noqa: E402
from formcheck.app.server import AppContext, create_app  # noqa: E402
from formcheck.routines import read_routine  # noqa: E402

ROUTINE = """name = "Benchmark"
notes = ""

[[steps]]
exercise = "{exercise}"
hold_s = {hold_s}
sets = 1
rest_s = 0
"""


def read_stream(port: int, arrivals: list[tuple[float, float]], stop: threading.Event) -> None:
    """Read the MJPEG stream as a page does; note (arrival, capture) perf_counter times per part."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/video.mjpg")
    reply = conn.getresponse()
    while not stop.is_set():
        line = reply.readline()
        if not line:
            return
        if not line.startswith(b"--frame"):
            continue
        headers = {}
        while (line := reply.readline().strip()):
            name, _, value = line.decode().partition(":")
            headers[name.lower()] = value.strip()
        reply.read(int(headers["content-length"]))
        now = time.perf_counter()
        captured = float(headers.get("x-captured-s", 0) or 0)
        if captured > 0:
            arrivals.append((now, captured))
    conn.close()


# Run in Chromium: read the camera view as the page's <img> receives it (one fetch of /video.mjpg),
# noting for each JPEG part the wall-clock delay since its capture (X-Captured-Unix-Ms).
BROWSER_READER = """async (seconds) => {
  const reply = await fetch('/video.mjpg');
  const reader = reply.body.getReader();
  const decoder = new TextDecoder('latin1');
  const found = [];
  const seen = new Set();
  let tail = '';
  const end = performance.now() + 1000 * seconds;
  while (performance.now() < end) {
    const {value, done} = await reader.read();
    if (done) break;
    const now = Date.now();
    const text = tail + decoder.decode(value);
    for (const m of text.matchAll(/X-Frame: (\\d+)\\r\\n[^\\r]*\\r\\nX-Captured-Unix-Ms: ([0-9.]+)\\r/g)) {
      if (seen.has(m[1])) continue;
      seen.add(m[1]);
      found.push([performance.now(), now - Number(m[2])]);
    }
    tail = text.slice(-200);
  }
  reader.cancel();
  return found;
}"""
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


def read_in_browser(port: int, seconds: float, arrivals: list[tuple[float, float]]) -> None:
    """The stream read by Chromium (Debian's /usr/bin/chromium, driven by Playwright)."""
    from playwright.sync_api import sync_playwright  # only for --browser: the rest runs without it

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS, headless=True)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/today")
        for at_ms, delay_ms in page.evaluate(BROWSER_READER, seconds):
            arrivals.append((at_ms / 1000, delay_ms))  # (arrival s, delay ms): already a delay
        browser.close()


def run_app(clip: Path, exercise: str, model: str, tmp: Path, browser: bool = False,
            seconds: float = 13.0) -> dict:
    routine_path = tmp / "bench.toml"
    routine_path.write_text(ROUTINE.format(exercise=exercise, hold_s=60))
    settings = AppSettings(str(clip), model, 0.0, tmp / "history.sqlite3", tmp / "sessions")
    ctx = AppContext(settings, [read_routine(routine_path)])
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(ctx), log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/api/runs", json.dumps({"routine": 0}),
                 {"Content-Type": "application/json", "X-Formcheck": "1"})
    assert conn.getresponse().status == 200
    run = ctx.current_run()
    assert run is not None
    arrivals: list[tuple[float, float]] = []
    stop = threading.Event()
    while run.screen.next_frame(0, 0.1) is None and not run.done:  # the stream needs the run's screen
        pass
    if browser:
        reader = threading.Thread(target=read_in_browser, args=(port, seconds, arrivals), daemon=True)
    else:
        reader = threading.Thread(target=read_stream, args=(port, arrivals, stop), daemon=True)
    reader.start()
    run.join()
    stop.set()
    reader.join(30)
    server.should_exit = True
    thread.join(10)
    if len(arrivals) < 2:
        raise SystemExit(f"the page received {len(arrivals)} frames; the run ended: {run.outcome.ended_by} "
                         f"{run.outcome.error or ''}")
    span_s = arrivals[-1][0] - arrivals[0][0]
    # The browser notes the delay itself (wall clock); the HTTP reader notes both perf_counter times.
    delays = sorted(c if browser else 1000 * (a - c) for a, c in arrivals)
    return {"frames": len(arrivals), "fps": (len(arrivals) - 1) / span_s,
            "delay_p50_ms": statistics.median(delays), "delay_p95_ms": delays[int(0.95 * (len(delays) - 1))],
            "ended_by": run.outcome.ended_by}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clip", default=DEFAULT_CLIP, help="real clip, relative to the shared data folder")
    parser.add_argument("--exercise", default="forearm_plank")
    parser.add_argument("--seconds", type=float, default=13.0, help="length of the 30 fps test clip")
    parser.add_argument("--model", default="litert", help="pose model (default: litert, as 'formcheck app')")
    parser.add_argument("--no-live", action="store_true", help="skip 'formcheck live' (no X display needed)")
    parser.add_argument("--browser", action="store_true",
                        help="read the view in Chromium (/usr/bin/chromium via Playwright) instead of an HTTP "
                             "client in this process; the delay is then on the wall clock, in milliseconds")
    args = parser.parse_args()

    from benchmarks._data import REPO

    root = Path(os.environ.get("FORMCHECK_TEST_DATA", REPO.parent / "shared" / "data")).resolve()
    real = root / args.clip if (root / "README.md").is_file() else None
    with tempfile.TemporaryDirectory(prefix="formcheck-app-bench-") as tmp_name:
        tmp = Path(tmp_name)
        clip = letterboxed_clip(real, tmp / "app-640x480-30fps.mp4", args.seconds)
        print(f"clip: {real or 'rendered forearm plank'} -> 640x480, 30 fps, {args.seconds:g} s; model {args.model}; "
              f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} before")
        app = run_app(clip, args.exercise, args.model, tmp, args.browser, args.seconds)
        reader = "Chromium" if args.browser else "an HTTP client"
        print(f"app page         {app['fps']:.1f} frames/s reaching the page, read by {reader} ({app['frames']} "
              f"frames; run ended: {app['ended_by']})")
        print(f"capture -> page  median {app['delay_p50_ms']:.1f} ms, p95 {app['delay_p95_ms']:.1f} ms")
        if args.no_live:
            return
        with display() as name:
            live = run_live(clip, args.exercise, args.model)
        print(f"formcheck live   {live['fps']:.1f} frames/s shown in its window on {name}; capture -> screen "
              f"median {live['latency_p50_ms']:.1f} ms, p95 {live['latency_p95_ms']:.1f} ms")
        print(f"ratio            app page / live window = {app['fps'] / live['fps']:.2f}")
    print(f"load average {os.getloadavg()[0]:.1f} after (other processes compete for the 2 cores when > 1)")


if __name__ == "__main__":
    main()
