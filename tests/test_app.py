"""The interactive app (`sim/app.py`): its logic without a browser, then the real thing in headless
Chromium (Debian's `chromium`, driven by Playwright; nothing is downloaded at test time)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sim import app
from sim.config import load
from sim.validate import ConfigError

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
AWARD = "policy.workshops.award_per_worker"
SMALL = ["region=yunxi", "policy=full_mix", "seed=0", "scale=0.05", "months=24"]


# ---------------------------------------------------------------------- without a browser
def test_levers_carry_unit_and_range_from_the_schema():
    lever = {lv.key: lv for lv in app.mix_levers_of("yunxi", "full_mix")}
    award = lever[AWARD]
    assert award.value == load(["policy=full_mix"]).policy.workshops.award_per_worker
    assert award.unit.startswith("yuan") and award.ge == 0 and "allowed at least 0" in award.hint
    share = lever["policy.labour_cooperation.transport_subsidy_share"]
    assert (share.ge, share.le) == (0, 1)
    assert not any(k.startswith("policy.workshops") for k in (lv.key for lv in app.mix_levers_of("yunxi", "none")))


def test_invalid_values_are_refused_with_the_validators_message():
    with pytest.raises(ConfigError) as bad_range:
        app.Session([*SMALL, f"{AWARD}=-5"])
    assert bad_range.value.problems == [p for p in _problems([*SMALL, f"{AWARD}=-5"])]
    assert bad_range.value.problems[0].startswith(f"{AWARD} = -5.0: out of range")
    with pytest.raises(ConfigError) as bad_type:
        app.Session([*SMALL, "seed=abc"])
    assert "seed = 'abc': must be a whole number" in bad_type.value.problems[0]


def _problems(overrides):
    try:
        load(overrides)
    except ConfigError as exc:
        return exc.problems
    return []


def test_session_steps_against_a_cached_baseline_and_exports_a_reproducing_command():
    session = app.Session([*SMALL, f"{AWARD}=4000"])
    assert app.baseline(session.overrides) is session.baseline  # computed once per county, seed, scale, horizon
    assert app.baseline_overrides(session.overrides)[-1] == "policy=none"
    assert len(session.baseline) == 25
    session.step(3)
    assert session.month == 3 and len(session.table()) == 4 and len(session.income_history) == 4
    command = session.command_line().split()
    assert command[:3] == [".venv/bin/python", "-m", "sim"] and f"{AWARD}=4000" in command
    again = app.Session(command[3:])
    again.step(3)
    assert again.table().equals(session.table())  # the command line reproduces the run
    exported = session.export_table()
    assert {"region", "policy", "seed", "overrides", "scale"} <= set(exported.columns)
    info = session.household(session.default_household())
    assert info["initially_poor"] and len(info["history"]) == 4 and "work this month" in info["members"]
    for figure in (app.poverty_figure, app.employment_figure, app.spending_figure, app.left_behind_figure):
        png, caption = figure(session)
        assert png[:4] == b"\x89PNG" and "Mar 2016" in caption


# ---------------------------------------------------------------------- in a real browser
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (Debian's chromium package; scripts/setup.sh installs it as root)")
    pytest.importorskip("playwright.sync_api", reason="playwright is missing: pip install -e '.[dev]'")
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "solara", "run", "sim.app", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(
        [*cmd, "--production", "--no-open"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 40
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    out = proc.stdout.read().decode() if proc.poll() is not None else ""
                    pytest.fail(f"the app did not start on {url}:\n{out}")
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_app_in_a_browser(server, tmp_path):
    """Change the award per worker, step three months, and see the plots and the household follow; then
    Run on past month 6 and Pause."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 2300})
            page.set_default_timeout(30_000)
            expect.set_options(timeout=30_000)  # the first page builds a run and its baseline
            page.goto(server)
            expect(page.locator(".caption-poverty")).to_contain_text("start of 2016")
            plots = ".plot-poverty img, .plot-employment img, .plot-spending img, .plot-left-behind img"

            def images():
                return [img.get_attribute("src") for img in page.locator(plots).all()]

            before = images()
            assert len(before) == 4

            award = page.locator(".lever-workshops-award_per_worker input")
            award.fill("-5")
            award.press("Enter")
            page.locator(".reset-button").click()
            expect(page.locator(".config-problem").first).to_contain_text(f"{AWARD} = -5.0: out of range")

            award.fill("4000")
            award.press("Enter")
            # Workshops open a few a year per county (Bazhong's stocks): the award alone shows little in
            # 3 months, so a lever that acts at once is moved too.
            ticket = page.locator(".lever-labour_cooperation-transport_subsidy_share input")
            ticket.fill("1")
            ticket.press("Enter")
            page.locator(".reset-button").click()
            expect(page.locator(".config-problem")).to_have_count(0)
            for month in (1, 2, 3):
                page.locator(".step-button").click()
                expect(page.get_by_text(f"month {month} of 60")).to_be_visible()
            expect(page.locator(".caption-poverty")).to_contain_text("Mar 2016")
            expect(page.locator(".household-panel")).to_contain_text("Mar 2016 (month 3)")
            expect(page.locator(".command-line")).to_contain_text(f"{AWARD}=4000")
            expect(page.locator(".command-line")).to_contain_text("policy.labour_cooperation.transport_subsidy_share=1")

            # What the browser shows is the run of these settings, computed here independently.
            session = app.Session(page.locator(".command-line").inner_text().split()[3:])
            session.step(3)
            for name, figure in (("poverty", app.poverty_figure), ("employment", app.employment_figure)):
                expect(page.locator(f".caption-{name}")).to_have_text(figure(session)[1])
            after = images()
            assert all(a != b for a, b in zip(before, after, strict=True)), "every plot is redrawn"
            default = app.Session([*app.baseline_overrides(session.overrides)[:-1], "policy=full_mix"])
            default.step(3)
            # The levers mattered: the month's measures differ (with placements rationed, a larger ticket
            # subsidy changes what is paid before it changes who goes; captions round small changes away).
            changed = [k for k, v in session.model.latest.items() if default.model.latest[k] != v]
            assert "spend_labour_cooperation_transport_subsidy" in changed, changed

            # Run: the months go on by themselves and the page follows; Pause stops them.
            heading = page.get_by_text(re.compile(r"month \d+ of 60 \("))

            def month_shown() -> int:
                return int(re.search(r"month (\d+) of 60", heading.inner_text()).group(1))

            run = page.locator(".run-button")
            expect(run).to_have_text(re.compile("run", re.I))
            run.click()
            expect(run).to_have_text(re.compile("pause", re.I))
            expect(page.locator(".step-button")).to_be_disabled()  # no Step while it runs
            deadline = time.monotonic() + 60
            while month_shown() < 6:
                assert time.monotonic() < deadline, f"Run did not get past month {month_shown()}"
                time.sleep(0.2)
            run.click()
            expect(run).to_have_text(re.compile("run", re.I))
            expect(page.locator(".step-button")).to_be_enabled()
            time.sleep(1)  # the month being stepped when Pause came is finished and shown
            paused = month_shown()
            time.sleep(2)
            assert month_shown() == paused < 60, "Pause stops the run"
            expect(page.locator(".caption-poverty")).not_to_contain_text("Mar 2016")
            assert all(a != b for a, b in zip(after, images(), strict=True)), "the run redrew every plot"
            page.screenshot(path=tmp_path / "app.png", full_page=True)
        finally:
            browser.close()
    assert (tmp_path / "app.png").stat().st_size > 10_000
    if os.environ.get("SIM_APP_SCREENSHOT_DIR"):  # to look at it after the test
        shutil.copy(tmp_path / "app.png", Path(os.environ["SIM_APP_SCREENSHOT_DIR"]) / "app.png")
