"""The HTML reports in a real browser: headless Chromium opens them from file:// URLs.

Each page must draw every figure without a JavaScript error, show something (a screenshot
that is not blank) and show user text as text: a study named ``<script>alert(1)</script>``
must not run it. Skipped without Chromium, except in CI (SMARTTUNE_REQUIRE_SERVICES=1).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import optuna
import pytest

from smarttune.report import write_comparison_report, write_study_report

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
XSS = "<script>alert(1)</script>"
# Record alert() calls and uncaught errors before any script of the page runs.
PROBE = """
window.__alerts = []; window.__errors = [];
window.alert = function (m) { window.__alerts.push(String(m)); };
window.addEventListener("error", function (e) { window.__errors.push(String(e.message)); });
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        reason = "headless Chromium needs /usr/bin/chromium and /usr/bin/chromedriver"
        if os.environ.get("SMARTTUNE_REQUIRE_SERVICES"):
            pytest.fail(f"{reason} (apt-get install chromium chromium-driver); CI requires them")
        pytest.skip(reason)
    if not os.environ.get("SMARTTUNE_REQUIRE_SERVICES"):
        pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
        pytest.importorskip("plotly", reason="the plot extra is not installed")
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--window-size=1280,900"):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=str(CHROMEDRIVER))
    driver = webdriver.Chrome(options=options, service=service)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": PROBE})
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def study_page(hybrid_study: optuna.Study, tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("plotly", reason="the plot extra is not installed")
    return write_study_report(hybrid_study, tmp_path_factory.mktemp("page") / "study.html")


def open_report(driver: Any, path: Path, query: str = "") -> dict[str, Any]:
    """Open ``path``, wait until every figure is drawn; return what the page reported."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get_log("browser")  # drop earlier pages' messages
    driver.get(path.resolve().as_uri() + query)
    WebDriverWait(driver, 60).until(
        lambda d: d.execute_script("return document.body.getAttribute('data-rendered')")
    )
    state: dict[str, Any] = driver.execute_script("""
        return {
          rendered: Number(document.body.getAttribute('data-rendered')),
          plots: Array.from(document.querySelectorAll('.plot')).map(p => ({
            id: p.id, fallback: p.getAttribute('data-fallback'),
            svgElements: p.querySelectorAll('svg.main-svg *').length,
            traces: p.querySelectorAll('g.trace, g.hm image, g.barlayer path, g.boxlayer path').length,
            canvases: p.querySelectorAll('canvas').length,
          })),
          alerts: window.__alerts, errors: window.__errors,
          h1: document.querySelector('h1').textContent,
        };""")  # fmt: skip
    state["severe"] = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    return state


def assert_drawn(driver: Any, state: dict[str, Any]) -> None:
    """No error, no alert, every figure drawn, and a screenshot with something on it."""
    from PIL import Image, ImageStat

    assert state["severe"] == [] and state["errors"] == [] and state["alerts"] == []
    assert state["plots"] and state["rendered"] == len(state["plots"])
    for plot in state["plots"]:
        assert plot["svgElements"] > 30, plot
        assert plot["traces"] > 0 or plot["canvases"] > 0, plot
    image = Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("L")
    assert ImageStat.Stat(image).stddev[0] > 10  # a blank page has (almost) none


def test_study_report_renders_and_shows_markup_as_text(browser: Any, study_page: Path) -> None:
    state = open_report(browser, study_page)
    assert_drawn(browser, state)
    assert state["h1"] == f"smarttune study {XSS}"
    body = browser.find_element("tag name", "body").text
    assert body.count(XSS) >= 2  # the study name in the facts, the choice in the table
    titles = browser.execute_script(
        "return Array.from(document.querySelectorAll('.plot .gtitle')).map(t => t.textContent)"
    )
    assert "slice: kind" in titles
    ticks = browser.execute_script(
        "return Array.from(document.querySelectorAll('.plot .xtick text')).map(t => t.textContent)"
    )
    assert XSS in ticks  # Plotly shows the categorical choice literally


def test_trial_table_sorts_numerically(browser: Any, study_page: Path) -> None:
    open_report(browser, study_page)
    value_heading = browser.execute_script(
        "return Array.from(document.querySelectorAll('table.sortable th'))"
        ".find(th => th.textContent === 'value')"
    )
    value_heading.click()
    keys = browser.execute_script(
        "var t = document.querySelector('table.sortable');"
        "var i = Array.from(t.tHead.rows[0].cells).findIndex(c => c.textContent === 'value');"
        "return Array.from(t.tBodies[0].rows).map(r => r.cells[i].getAttribute('data-k'))"
    )
    numbers = [float(k) for k in keys if k is not None]
    assert numbers == sorted(numbers) and len(numbers) >= 5
    assert keys[: len(numbers)] == [repr(n) for n in numbers]  # numbers first, blanks after


def test_parallel_coordinates_with_and_without_webgl(browser: Any, study_page: Path) -> None:
    svg = open_report(browser, study_page, "?webgl=0")
    assert [p["fallback"] for p in svg["plots"]].count("svg") == 1
    assert_drawn(browser, svg)
    has_webgl = browser.execute_script(
        "return !!document.createElement('canvas').getContext('webgl')"
    )
    if not has_webgl:
        pytest.skip("this Chromium has no WebGL at all: only the SVG fallback can be drawn")
    gl = open_report(browser, study_page, "?webgl=1")
    assert [p["fallback"] for p in gl["plots"]].count("svg") == 0
    assert_drawn(browser, gl)
    assert sum(p["canvases"] for p in gl["plots"]) >= 1  # parcoords draws on canvases


def test_comparison_report_renders(browser: Any, results_dir: Path, tmp_path: Path) -> None:
    page = write_comparison_report(results_dir, tmp_path / "comparison.html")
    state = open_report(browser, page)
    assert_drawn(browser, state)
    assert XSS in browser.find_element("tag name", "body").text
