"""``formcheck app`` in a real browser (issue #22): Debian's Chromium driven by Playwright through a
two-step routine on a rendered clip played as the camera, then Summary, Progress, Reports and
Score a video. Screenshots of each page go to the test's tmp folder."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from formcheck.outputs.history.store import HistoryStore
from tests.appserver import REPO, running_app
from tests.browser import chromium

pytestmark = pytest.mark.slow

# The flags the project's other browser test uses, and never a browser download: the system Chromium.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture
def browser():
    path = chromium()
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed (pip install -e '.[dev]')")
    with sync_api.sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=path, args=ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


def _sample(page) -> dict:
    return page.evaluate("""() => ({
        hold: document.getElementById('hold').dataset.seconds || '',
        big: document.getElementById('big').textContent,
        rest: document.getElementById('big').dataset.rest || '',
        cue: document.getElementById('cue').textContent,
        headline: document.getElementById('headline').textContent,
        url: location.pathname})""")


def test_a_two_step_routine_in_the_browser_ends_with_stop_it_hurts_in_the_history(browser, tmp_path):
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with running_app(tmp_path) as (url, _):
        base = url.rsplit("/", 1)[0]
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/today")
        page.get_by_text("Tiny <test> routine").click()   # escaped: shown as written, not as a tag
        page.wait_for_selector("text=Today's target")
        page.screenshot(path=str(shots / "today.png"), full_page=True)
        page.click("#start")
        page.wait_for_url("**/session")

        samples, pressed_at_hold, shot_taken, paused = [], None, False, None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            s = _sample(page)
            if s["url"] != "/session":
                break
            samples.append(s)
            in_step2 = s["headline"].startswith("Step 2")
            hold = float(s["hold"]) if s["hold"] else None
            if in_step2 and hold and hold > 1.0 and not shot_taken:
                page.screenshot(path=str(shots / "session.png"))
                shot_taken = True
                page.click("#pause")   # Pause: the timer stops until Resume
                page.wait_for_function("() => document.getElementById('big').textContent === 'Paused'")
                at_pause = float(_sample(page)["hold"])
                time.sleep(1.0)
                paused = (_sample(page), at_pause)
                page.click("#pause")
                page.wait_for_function("() => document.getElementById('big').textContent !== 'Paused'")
                continue
            if in_step2 and s["cue"] and hold and hold > 1.0:
                pressed_at_hold = hold
                page.screenshot(path=str(shots / "session-cue.png"))
                page.click("#hurts")
                break
            time.sleep(0.1)
        assert pressed_at_hold is not None, f"no cue seen in step 2; last state {samples[-1] if samples else None}"
        assert paused is not None and paused[0]["big"] == "Paused"
        assert float(paused[0]["hold"]) == paused[1], "the timer ran on while paused"
        page.wait_for_url("**/summary/*", timeout=30_000)
        page.screenshot(path=str(shots / "summary.png"), full_page=True)
        summary = page.inner_text("main")

        step1 = [s for s in samples if s["headline"].startswith("Step 1")]
        # Set-up: the timer shows 0 while getting into position, then advances during the hold.
        assert any(s["big"].startswith("Get into position") for s in step1)
        holds1 = [float(s["hold"]) for s in step1 if s["hold"]]
        assert holds1[0] == 0.0 and max(holds1) >= 3.0
        # The clip stands for 3.5 s before the hold (1 s of it the countdown): about 2 s of samples at 0.
        first_moving = next(i for i, h in enumerate(holds1) if h > 0)
        assert first_moving >= 8, f"the timer moved during the set-up: {holds1[:20]}"
        assert all(float(s["hold"] or 0) == 0 for s in step1 if s["big"].startswith("Get into position"))
        assert holds1 == sorted(holds1), "a good hold's timer only goes up"
        # The rest counts down between the steps.
        rests = sorted({round(float(s["rest"])) for s in samples if s["rest"]}, reverse=True)
        assert len(rests) >= 2 and rests[0] >= 1
        # Step 2 ran, its timer advanced, and the clip's standing up brought a cue.
        holds2 = [float(s["hold"]) for s in samples if s["headline"].startswith("Step 2") and s["hold"]]
        assert max(holds2) > 1.0

        assert "You stopped because it hurt" in summary
        assert "stopped: it hurts" in summary
        assert "3." in summary and "of 3 s" in summary and "of 30 s" in summary

        page.goto(f"{base}/progress")
        page.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
        page.screenshot(path=str(shots / "progress.png"), full_page=True)
        progress = page.inner_text("main")
        assert "wall_sit" in progress and "2 sessions" in progress

        page.goto(f"{base}/reports")
        page.screenshot(path=str(shots / "reports.png"), full_page=True)
        page.click("text=open")   # the newest: the set stopped because it hurt
        page.wait_for_load_state()
        report = page.inner_text("body")
        assert "Wall sit" in report and "it ended: stopped: it hurts" in report
        page.screenshot(path=str(shots / "report.png"))

    with HistoryStore.open(tmp_path / "history.sqlite3") as store:
        rows = store.sessions("wall_sit", newest_first=False)
    assert [r.ended_by for r in rows] == ["finished", "stopped: it hurts"]
    assert rows[0].valid_s >= 3.0
    # Nothing after the press counted: the stored hold is at most what the page showed then (plus
    # the one frame that may have been on its way to the page, 1/15 s).
    assert rows[1].valid_s <= pressed_at_hold + 1 / 15 + 1e-6
    for name in ("today", "session", "session-cue", "summary", "progress", "reports", "report"):
        assert (shots / f"{name}.png").stat().st_size > 5000, name


def test_score_a_video_uploads_shows_progress_and_opens_the_report_and_refuses_a_non_video(browser, tmp_path):
    shots = tmp_path / "screenshots"
    shots.mkdir()
    not_video = tmp_path / "notes.mp4"
    not_video.write_text("this is not a video\n" * 50)
    with running_app(tmp_path) as (url, _):
        base = url.rsplit("/", 1)[0]
        page = browser.new_page(viewport={"width": 1100, "height": 800})
        page.goto(f"{base}/score")
        page.select_option("#exercise", "forearm_plank")
        page.set_input_files("#file", str(not_video))
        page.click("#go")
        page.wait_for_function("() => document.getElementById('status').className === 'error'", timeout=60_000)
        error = page.inner_text("#status")
        assert "notes.mp4" in error and str(tmp_path) not in error
        page.screenshot(path=str(shots / "score-refused.png"))

        page.set_input_files("#file", str(REPO / "samples" / "plank-hips-low-side.mp4"))
        page.click("#go")
        page.wait_for_url("**/reports/*", timeout=240_000)
        page.screenshot(path=str(shots / "score-report.png"))
        body = page.inner_text("body")
        assert "Forearm plank" in body
    with HistoryStore.open(tmp_path / "history.sqlite3") as store:
        rows = store.sessions("forearm_plank")
    assert len(rows) == 1 and rows[0].kind == "score" and rows[0].breaks >= 0
    assert Path(rows[0].report_path).is_file()
