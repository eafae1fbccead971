#!/usr/bin/env python3
"""The web directory in a real browser (headless Chromium driven by Selenium).

Starts `switchboard web --flows flows --http 127.0.0.1:0` (the port is picked free by the
kernel and read from the server's first line), then checks in Chromium: the page and its
landmarks, instant search as one types, the search form with scripts off, keyboard entry
(skip link), the "Call me" form (with `--print-calls` the server prints the request), the
phone layout (no sideways scrolling), the flow diagram image; writes screenshots. Every process it starts is stopped at the end, pass or fail.

Environment: SWITCHBOARD_BIN (default .build/debug/switchboard), SCREENSHOT_DIR (default
.build/browser), FLOWS (default flows). Run from the repository root: `make test-browser`.
"""
import os
import re
import selectors
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

BIN = os.environ.get("SWITCHBOARD_BIN", ".build/debug/switchboard")
SHOTS = os.environ.get("SCREENSHOT_DIR", ".build/browser")
FLOWS = os.environ.get("FLOWS", "flows")
START_SECONDS = 30
WAIT_SECONDS = 10


def read_line(process, seconds):
    """The server's next line of standard output, or "" after `seconds`."""
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + seconds
    line = ""
    while not line and time.monotonic() < deadline and process.poll() is None:
        if selector.select(timeout=deadline - time.monotonic()):
            line = process.stdout.readline()
    selector.close()
    return line


def start_server():
    """Starts the preview server and returns (process, base URL) once it answers."""
    process = subprocess.Popen(
        [BIN, "web", "--flows", FLOWS, "--http", "127.0.0.1:0", "--sip-domain", "example.com",
         "--site-name", "Example GmbH", "--print-calls", "--reachable", "alice", "carol"],
        stdout=subprocess.PIPE, text=True)
    line = read_line(process, START_SECONDS)
    if process.poll() is not None:
        raise RuntimeError(f"switchboard web exited with {process.returncode} before listening")
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not match:
        stop(process)
        raise RuntimeError(f"no listening line from switchboard web within {START_SECONDS}s: {line!r}")
    base = f"http://127.0.0.1:{match.group(1)}"
    # It printed after binding; still confirm readiness, with a bounded number of tries.
    for attempt in range(50):
        try:
            with urllib.request.urlopen(base + "/directory", timeout=2) as response:
                if response.status == 200:
                    return process, base
        except (urllib.error.URLError, ConnectionError):
            if attempt == 49:
                stop(process)
                raise
    stop(process)
    raise RuntimeError("the server never answered /directory")


def stop(process):
    """SIGTERM (graceful shutdown), then SIGKILL if it does not end within 10 s."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stdout:
        process.stdout.close()


def browser(scripts=True, phone=False):
    """Headless Chromium; `phone` emulates a 390x844 screen (headless windows are at least 500 wide)."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1200,900"):
        options.add_argument(argument)
    if phone:
        options.add_experimental_option("mobileEmulation", {
            "deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 2, "touch": True}})
    if not scripts:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def visible_titles(driver, list_id):
    return [item.find_element(By.TAG_NAME, "h3").text
            for item in driver.find_elements(By.CSS_SELECTOR, f"#{list_id} > li") if item.is_displayed()]


def summary(driver):
    return driver.find_element(By.ID, "summary").text


def check(condition, message):
    if not condition:
        raise AssertionError(message)
    print(f"  ok  {message}")


def with_scripts(driver, base):
    driver.get(base + "/directory")
    check(driver.title == "Directory – Example GmbH", f"title is {driver.title!r}")
    check(driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en", "html lang=en")
    check(len(driver.find_elements(By.CSS_SELECTOR, "main#main, nav[aria-label=Main], form[role=search]")) == 3,
          "main, navigation and search landmarks")
    check(visible_titles(driver, "departments") == ["Sales", "Support", "Reception"], "three departments")
    check(len(visible_titles(driver, "people")) == 5, "five people")
    check(summary(driver) == "All 3 departments and 5 people.", f"summary {summary(driver)!r}")
    check("Reachable" in driver.find_element(By.XPATH, "//li[h3='Alice Archer']").text, "Alice is reachable")
    check("Not reachable" in driver.find_element(By.XPATH, "//li[h3='Bob Baker']").text, "Bob is not")
    hours = driver.find_element(By.XPATH, "//li[h3='Sales']").text
    check(("Open" in hours or "Closed" in hours) and "business-hours" in hours, "Sales shows its hours state")
    driver.save_screenshot(os.path.join(SHOTS, "directory.png"))

    # Keyboard: the first Tab reaches the skip link, which moves focus to the content.
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    check(driver.switch_to.active_element.text == "Skip to content", "first Tab focuses the skip link")

    # Instant search: results follow typing, no page load.
    box = driver.find_element(By.ID, "q")
    marker = driver.execute_script("window.__same_page = true; return true;")
    box.send_keys("car")
    WebDriverWait(driver, WAIT_SECONDS).until(lambda d: summary(d) == "1 department and 1 person match “car”.")
    check(visible_titles(driver, "people") == ["Carol Chen"], "typing 'car' leaves Carol")
    check(visible_titles(driver, "departments") == ["Support"], "and her department")
    check(driver.execute_script("return window.__same_page === true") and marker, "without a page load")
    check(driver.current_url.endswith("/directory?q=car"), f"address follows: {driver.current_url}")
    box.send_keys(Keys.BACKSPACE * 3 + "xyz")
    WebDriverWait(driver, WAIT_SECONDS).until(lambda d: d.find_element(By.ID, "people-empty").is_displayed())
    check(summary(driver) == "0 departments and 0 people match “xyz”.", "no match says so")
    driver.save_screenshot(os.path.join(SHOTS, "search.png"))

    # The flow diagram is an image Graphviz drew, and it loaded.
    driver.get(base + "/flows/main")
    image = driver.find_element(By.CSS_SELECTOR, "figure img")
    loaded = WebDriverWait(driver, WAIT_SECONDS).until(
        lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image))
    check(loaded > 0, "the flow diagram SVG loaded")
    check("Diagram of the main flow" in image.get_attribute("alt"), "the diagram has alt text")


def click_to_call(driver, base, process):
    driver.get(base + "/directory")
    form = driver.find_element(By.XPATH, "//li[h3='Sales']//form")
    number = form.find_element(By.NAME, "number")
    check(driver.execute_script("return arguments[0].labels[0].textContent", number)
          == "Your number or SIP address, to be connected to Sales", "the call form's field has a label naming the department")
    number.send_keys("302")
    form.find_element(By.TAG_NAME, "button").click()
    WebDriverWait(driver, WAIT_SECONDS).until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "Calling you")
    check("connected to Sales" in driver.find_element(By.CSS_SELECTOR, "main").text, "the result page says what happens")
    line = read_line(process, WAIT_SECONDS).strip()
    check(line == "click-to-call 302 department/sales", f"the starter was asked: {line!r}")


def phone(driver, base):
    driver.get(base + "/directory?q=bob")
    check(driver.execute_script("return window.innerWidth") == 390, "the viewport is 390 px wide")
    check(driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"),
          "no sideways scrolling at 390 px")
    check(visible_titles(driver, "people") == ["Bob Baker"], "?q=bob shows Bob on a phone")
    driver.save_screenshot(os.path.join(SHOTS, "phone.png"))


def without_scripts(driver, base):
    driver.get(base + "/directory")
    box = driver.find_element(By.ID, "q")
    box.send_keys("dave")
    box.send_keys(Keys.ENTER)  # the GET form: a new page from the server
    WebDriverWait(driver, WAIT_SECONDS).until(lambda d: "q=dave" in d.current_url)
    check(summary(driver) == "1 department and 1 person match “dave”.", "the form searches without scripts")
    check(visible_titles(driver, "people") == ["Dave Dunn"], "Dave is found")
    check(visible_titles(driver, "departments") == ["Support"], "with his department")
    check(driver.find_element(By.ID, "q").get_attribute("value") == "dave", "the box keeps the query")


def main():
    os.makedirs(SHOTS, exist_ok=True)
    started = time.monotonic()
    process, base = start_server()
    drivers = []
    try:
        print(f"server at {base}")
        try:
            urllib.request.urlopen(base + "/healthz", timeout=5)
            check(False, "/healthz is 503 without SIP")
        except urllib.error.HTTPError as error:
            check(error.code == 503, "/healthz is 503 without SIP")
        drivers.append(browser())
        with_scripts(drivers[-1], base)
        click_to_call(drivers[-1], base, process)
        drivers.append(browser(phone=True))
        phone(drivers[-1], base)
        drivers.append(browser(scripts=False))
        without_scripts(drivers[-1], base)
    finally:
        for driver in drivers:
            driver.quit()
        stop(process)
    print(f"browser test passed in {time.monotonic() - started:.1f}s; screenshots in {SHOTS}/")


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # noqa: BLE001 - report any failure as the test's
        print(f"FAIL: {error}", file=sys.stderr)
        sys.exit(1)
