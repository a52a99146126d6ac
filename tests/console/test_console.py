"""Browser tests of the web console against a real daemon, in headless Chromium.

Each test drives the page the way a person would (file input, form fields, buttons)
and checks what the page shows against what the /v1 API answers for the same request.
Run through tests/console/run.sh (which installs the browser); `--screenshots DIR`
also saves a picture of each main view there (docs/console/ in the repository).
Prints "console: N passed, M failed" and exits non-zero on a failure.
"""

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "scripts", "reliability"))
import rellib  # noqa: E402  (the shared daemon launcher)

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

EXAMPLES = os.path.join(REPO, "examples", "modules")
DESKTOP = (1100, 860)
TOKEN = "console-test-token"


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--no-first-run", "--disable-extensions", "--hide-scrollbars",
                 f"--window-size={DESKTOP[0]},{DESKTOP[1]}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    return driver


def api(base, method, path, body=None, token=None, headers=None):
    """(status, headers, parsed JSON or None) of one /v1 request."""
    request = urllib.request.Request(base + path, data=body, method=method, headers=dict(headers or {}))
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, answer_headers, data = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, answer_headers, data = error.code, error.headers, error.read()
    try:
        parsed = json.loads(data) if data else None
    except ValueError:
        parsed = None
    return status, answer_headers, parsed


class Page:
    """The browser on one daemon, with waits and screenshots."""

    def __init__(self, driver, base, shots):
        self.driver = driver
        self.base = base
        self.shots = shots

    def open(self, hash_route="#/"):
        """A fresh load of the page (a get of the same URL would only move the fragment)."""
        self.driver.get("about:blank")
        self.driver.get(f"{self.base}/{hash_route}")
        self.wait_for_view()

    def go(self, hash_route):
        """Moves to `hash_route` in the same page, or reloads it when it is already there."""
        if not self.driver.current_url.startswith(self.base + "/") or \
                self.driver.execute_script("return location.hash") == hash_route:
            self.open(hash_route)
            return
        self.mark()
        self.driver.execute_script("location.hash = arguments[0]", hash_route)
        self.wait_for_view()

    def mark(self):
        """Marks the current view as stale, so that wait_for_view waits for the next one."""
        self.driver.execute_script("document.querySelector('#view > section')?.setAttribute('data-stale', '')")

    def wait(self, condition, what, timeout=15):
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.05).until(lambda d: condition())
        except TimeoutException:
            raise AssertionError(f"timed out waiting for {what}") from None

    def wait_for_view(self):
        self.wait(lambda: self.driver.execute_script(
            "return !!document.querySelector('#view > section:not([data-stale]) h2') && document.activeElement?.tagName === 'H2'"),
            "a view to render")

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def appears(self, css, timeout=15):
        return self.wait(lambda: (self.find_all(css) or [None])[0], css, timeout)

    def errors(self):
        """Console errors and failed loads since the last call."""
        return [entry for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]

    def script_errors(self):
        """Console errors other than the network log of a 4xx/5xx answer (which the tests ask for):
        exceptions, unhandled rejections, policy violations."""
        return [entry for entry in self.errors()
                if "Failed to load resource: the server responded with a status of" not in entry["message"]]

    def unlabelled_controls(self):
        return self.driver.execute_script("""
            return [...document.querySelectorAll('#view input, #view textarea, #view select')]
              .filter((el) => el.type !== 'hidden' && el.labels.length === 0 && !el.getAttribute('aria-label'))
              .map((el) => el.outerHTML);""")

    def screenshot(self, name, width=DESKTOP[0]):
        """The whole page as NAME.png, laid out `width` CSS pixels wide."""
        if not self.shots:
            return
        metrics = {"width": width, "height": DESKTOP[1], "deviceScaleFactor": 1, "mobile": False}
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        self.driver.execute_script("window.scrollTo(0, 0)")
        metrics["height"] = max(600, self.driver.execute_script("return document.documentElement.scrollHeight"))
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        time.sleep(0.3)  # the health header's refresh after the last change
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
        with open(os.path.join(self.shots, f"{name}.png"), "wb") as file:
            file.write(base64.b64decode(shot["data"]))
        self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def ensure_module(page, example, name):
    """Stores examples/modules/EXAMPLE.wat as NAME through the API (200 when it is already there)."""
    with open(os.path.join(EXAMPLES, f"{example}.wat"), "rb") as source:
        status, _, _ = api(page.base, "POST", f"/v1/modules?name={name}", body=source.read())
    assert status in (200, 201), status


def upload_through_the_file_input(page, path, name):
    page.open("#/")
    page.find("#upload-file").send_keys(path)
    page.find("#upload-name").send_keys(name)
    page.mark()
    page.find("#upload-form button[type=submit]").click()
    page.wait(lambda: page.driver.execute_script("return location.hash") == f"#/modules/{name}", "the module's page")
    page.wait_for_view()


def invoke_with_fields(page, ref, export, values):
    page.go(f"#/modules/{ref}/invoke/{export}")
    for index, value in enumerate(values):
        field = page.find(f"#view input[id$='-arg{index}']")
        field.clear()
        field.send_keys(value)
    page.find("#view form.invoke-form button[type=submit]").click()
    return page.appears("#view .answer-area .answer")


# ---------------------------------------------------------------- tests

def test_page_headers_and_a_clean_load(context):
    """The page and its files carry CSP, nosniff, Cache-Control and an ETag; 304 on a match; no console errors."""
    page = context.page
    status, headers, _ = api(page.base, "GET", "/")
    assert status == 200, status
    policy = headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy and "unsafe-inline" not in policy, policy
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert headers.get("Cache-Control") == "no-cache"
    etag = headers.get("ETag")
    assert etag, "no ETag"
    status, headers, _ = api(page.base, "GET", "/", headers={"If-None-Match": etag})
    assert status == 304, f"If-None-Match with the ETag gave {status}"
    page.errors()
    page.open("#/")
    page.appears("#health .pill.up")
    page.appears("#view .empty")
    # Let the health header refresh once more, then nothing may have been logged.
    time.sleep(0.5)
    errors = page.errors()
    assert not errors, errors
    assert not page.unlabelled_controls(), page.unlabelled_controls()
    page.screenshot("empty")
    # The policy is in force: an inline script does not run, and a fetch elsewhere is refused.
    ran = page.driver.execute_async_script("""
        const done = arguments[0];
        const script = document.createElement('script');
        script.textContent = 'window.inlineRan = true';
        document.body.append(script);
        fetch('http://localhost:9/').then(() => done('fetched'), () => done(window.inlineRan ? 'inline ran' : 'blocked'));""")
    assert ran == "blocked", ran
    violations = [entry["message"] for entry in page.errors()]
    assert any("script-src" in message for message in violations), violations
    assert any("connect-src" in message for message in violations), violations


def test_upload_add_wat_and_invoke_add(context):
    """add.wat through the file input, then add(1, 2) shows 3; the curl command gives the same answer."""
    page = context.page
    upload_through_the_file_input(page, os.path.join(EXAMPLES, "add.wat"), "calc")
    assert "add" in page.find("#view table").text
    assert "add(i32, i32) -> i32" in page.find("#view table").text
    page.screenshot("detail")
    answer = invoke_with_fields(page, "calc", "add", ["1", "2"])
    assert "ok" in answer.get_attribute("class"), answer.text
    values = [element.text for element in page.find_all("#view .result-value")]
    assert values == ["3"], values
    assert not page.unlabelled_controls(), page.unlabelled_controls()
    command = page.find("#view pre.curl").get_attribute("textContent")
    assert command.startswith("curl ") and '{"args":[1,2]}' in command, command
    run = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=30)
    assert json.loads(run.stdout)["results"] == [3], run.stdout + run.stderr
    page.screenshot("invoke")


def test_pingpong_chain_is_drawn_with_the_repeat_marked(context):
    """pingpong.ping(1) answers 508: an SVG with three frames, the third marked as the repeat of the first."""
    page = context.page
    ensure_module(page, "pingpong", "pingpong")
    invoke_with_fields(page, "pingpong", "ping", ["1"])
    page.appears("#view svg.chain")
    frames = page.find_all("#view svg.chain g.frame")
    assert len(frames) == 3, f"{len(frames)} frames"
    _, _, problem = api(page.base, "POST", "/v1/modules/pingpong/invoke/ping", body=b'{"args":[1]}')
    titles = [frame.find_element(By.TAG_NAME, "title").get_attribute("textContent") for frame in frames]
    assert titles == [f"{index + 1}. {frame}" for index, frame in enumerate(problem["chain"])], titles
    repeated = page.find_all("#view svg.chain g.frame.repeat")
    assert [frame.get_attribute("data-index") for frame in repeated] == ["2"]
    first = page.find_all("#view svg.chain g.frame.repeat-first")
    assert [frame.get_attribute("data-index") for frame in first] == ["0"]
    assert page.find("#view svg.chain").get_attribute("data-reason") == "repeat"
    assert page.find("#view .problem-code").text == "reentrancy_loop"
    page.screenshot("chain")


def test_bad_args_shows_its_detail(context):
    """add with one argument (written as JSON) shows the bad_args code, title and the daemon's detail."""
    page = context.page
    ensure_module(page, "add", "calc")
    page.go("#/modules/calc/invoke/add")
    page.find("#view input[id$='-jsonmode']").click()
    editor = page.find("#view textarea[id$='-json']")
    editor.clear()
    editor.send_keys("[1]")
    page.find("#view form.invoke-form button[type=submit]").click()
    page.appears("#view .answer.problem")
    _, _, problem = api(page.base, "POST", "/v1/modules/calc/invoke/add", body=b'{"args":[1]}')
    assert page.find("#view .problem-code").text == problem["code"] == "bad_args"
    assert page.find("#view .problem-title").text == problem["title"]
    assert page.find("#view .problem-detail").text == problem["detail"], page.find("#view .problem-detail").text
    page.screenshot("bad-args")


def test_a_trap_shows_its_backtrace(context):
    """trap.div(7, 0) and trap.recurse(0): the trap's detail and its backtrace, a run of one function folded."""
    page = context.page
    ensure_module(page, "trap", "trap")
    for export, values, body in (("div", ["7", "0"], b'{"args":[7,0]}'), ("recurse", ["0"], b'{"args":[0]}')):
        invoke_with_fields(page, "trap", export, values)
        page.appears("#view .answer.problem")
        _, _, problem = api(page.base, "POST", f"/v1/modules/trap/invoke/{export}", body=body)
        assert page.find("#view .problem-code").text == "trap"
        assert page.find("#view .problem-detail").text == problem["detail"]
        shown = []
        for item in page.find_all("#view .backtrace li"):
            shown += [item.find_element(By.TAG_NAME, "code").text] * int(item.get_attribute("data-count"))
        assert shown == problem.get("backtrace", []), shown
        if export == "recurse" and problem.get("backtrace"):
            assert len(page.find_all("#view .backtrace li")) < len(problem["backtrace"])
    page.screenshot("trap")


def test_a_chain_across_two_modules_has_a_lane_each(context):
    """cycle-a.go(1) → cycle-b.go(1) → cycle-a.go(1): two lanes, frames placed in their module's lane."""
    page = context.page
    ensure_module(page, "cycle_a", "cycle-a")
    ensure_module(page, "cycle_b", "cycle-b")
    invoke_with_fields(page, "cycle-a", "go", ["1"])
    page.appears("#view svg.chain")
    _, _, problem = api(page.base, "POST", "/v1/modules/cycle-a/invoke/go", body=b'{"args":[1]}')
    lanes = [lane.text for lane in page.find_all("#view svg.chain text.lane-name")]
    assert lanes == ["cycle-a", "cycle-b"], lanes
    frames = page.find_all("#view svg.chain g.frame")
    assert len(frames) == len(problem["chain"]) == 3
    x = [frame.find_element(By.TAG_NAME, "rect").get_attribute("x") for frame in frames]
    assert x[0] == x[2] != x[1], x
    assert [f.get_attribute("data-index") for f in page.find_all("#view svg.chain g.frame.repeat")] == ["2"]
    page.screenshot("chain-two-modules")


def test_a_depth_cut_is_marked(context):
    """countdown.down(64) passes the default depth: the last frame and the cut are marked, the middle folded."""
    page = context.page
    ensure_module(page, "countdown", "countdown")
    invoke_with_fields(page, "countdown", "down", ["64"])
    svg = page.appears("#view svg.chain")
    _, _, problem = api(page.base, "POST", "/v1/modules/countdown/invoke/down", body=b'{"args":[64]}')
    assert problem["reason"] == "depth" == svg.get_attribute("data-reason")
    chain = problem["chain"]
    frames = page.find_all("#view svg.chain g.frame")
    assert len(frames) == min(len(chain), 24), len(frames)
    cut = page.find_all("#view svg.chain g.frame.cut")
    assert [frame.get_attribute("data-index") for frame in cut] == [str(len(chain) - 1)]
    assert cut[0].find_element(By.TAG_NAME, "title").get_attribute("textContent") == f"{len(chain)}. {chain[-1]}"
    assert page.find_all("#view svg.chain line.cut-line")
    assert f"{len(chain)} frames" in page.find("#view svg.chain text.cut-label").text
    if len(chain) > 24:
        assert f"{len(chain) - 24} more frames" in page.find("#view svg.chain text.gap").text
    assert not page.find_all("#view svg.chain g.frame.repeat")


# The component description of API.md ("Components"): the daemon's engine cannot
# store one yet, so the page's own renderers are given it directly.
COMPONENT = {
    "id": "c" * 64, "kind": "component", "names": ["greeter"], "size": 5120,
    "exports": [
        {"name": "greet", "kind": "func", "params": [{"name": "name", "type": "string"}], "result": "string"},
        {"name": "example:demo/geo#area", "kind": "func", "params": [{"name": "s", "type": "shape"}], "result": "f64"},
        {"name": "example:demo/files#open", "kind": "func", "callable": False,
         "params": [{"name": "path", "type": "string"}], "result": "own<file>", "detail": "resource types cannot cross JSON"},
    ],
    "types": {"shape": "variant { circle(f64), rect(point) }", "point": "record { x: f64, y: f64 }"},
    "imports": ["wasi:cli/stdout@0.2.0", "wasmhost:host/api@1.0.0"],
    "wit": "package root:component;\n\nworld root {\n  export greet: func(name: string) -> string;\n}\n",
}


def test_a_component_description_renders(context):
    """A component shows its kind, types and WIT; WIT-typed fields, a JSON editor for a variant."""
    page = context.page
    page.open("#/")
    outcome = page.driver.execute_async_script("""
        const [description, done] = arguments;
        Promise.all([import('/console/modules.js'), import('/console/invoke.js')]).then(([modules, invoke]) => {
          const view = document.getElementById('view');
          view.replaceChildren(modules.moduleDetail(description, () => {}));
          view.append(invoke.invokeView(description, description.exports[1]));
          view.append(invoke.invokeView(description, description.exports[0]));
          done('ok');
        }).catch((error) => done(String(error)));""", COMPONENT)
    assert outcome == "ok", outcome
    assert page.find("#view h2 .badge").text == "component"
    table = page.find("#view table").text
    assert "greet(name: string) -> string" in table and "resource types cannot cross JSON" in table, table
    links = [link.get_attribute("aria-label") for link in page.find_all("#view table a.button")]
    assert links == ["Invoke greet", "Invoke example:demo/geo#area"], links
    assert "world root" in page.find("#view pre.wit").text
    assert "variant { circle(f64), rect(point) }" in page.find("#view dl.types").text
    assert [item.text for item in page.find_all("#view ul.imports li")] == COMPONENT["imports"]
    area, greet = page.find_all("#view form.invoke-form")
    editor = area.find_element(By.CSS_SELECTOR, "textarea.json.arg")
    editor.send_keys('{"tag": "circle", "val": 1.5}')
    command = area.find_element(By.XPATH, "..").find_element(By.CSS_SELECTOR, "pre.curl").get_attribute("textContent")
    assert '{"args":[{"tag": "circle", "val": 1.5}]}' in command, command
    assert "/invoke/example%3Ademo%2Fgeo%23area" in command, command
    greet.find_element(By.CSS_SELECTOR, "input.arg").send_keys('Ada "the first"')
    command = greet.find_element(By.XPATH, "..").find_element(By.CSS_SELECTOR, "pre.curl").get_attribute("textContent")
    assert """'{"args":["Ada \\"the first\\""]}'""" in command, command
    assert not page.unlabelled_controls(), page.unlabelled_controls()
    page.screenshot("component")


VALUES = [
    # export, typed text, JSON body args
    ("id_i64", "9223372036854775807", '["9223372036854775807"]'),
    ("id_i64", "-0x8000000000000000", '["-0x8000000000000000"]'),
    ("id_f64", "-0", "[-0.0]"),
    ("id_f32", "0.1", "[0.1]"),
    ("id_f32", "nan", '["nan"]'),
    ("id_f64", "-inf", '["-inf"]'),
    ("id_v128", "0x000102030405060708090a0b0c0d0e0f", '["0x000102030405060708090a0b0c0d0e0f"]'),
]


class NumberText(str):
    """A JSON number kept as the text the daemon wrote."""


def test_values_are_sent_and_shown_exactly(context):
    """i64 beyond 2^53, -0.0, f32 0.1, nan, -inf and v128 go through the form and come back as the daemon wrote them."""
    page = context.page
    ensure_module(page, "identity", "identity")
    for export, typed, args in VALUES:
        invoke_with_fields(page, "identity", export, [typed])
        request = urllib.request.Request(f"{page.base}/v1/modules/identity/invoke/{export}",
                                         data=f'{{"args":{args}}}'.encode(), method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            expected = json.loads(response.read(), parse_int=NumberText, parse_float=NumberText)["results"]
        expected_text = [value if isinstance(value, NumberText) else json.dumps(value) for value in expected]
        shown = [element.text for element in page.find_all("#view .result-value")]
        assert shown == expected_text, (export, typed, shown, expected_text)
        command = page.find("#view pre.curl").get_attribute("textContent")
        assert f'{{"args":{args}}}' in command or f'{{"args":[{typed}]}}' in command, command


def test_input_output_logs_and_wasi_streams(context):
    """echo shows its output and log line; a .wasm WASI program uploaded through the file input shows stdout,
    and the WASI stdin field reaches it."""
    page = context.page
    ensure_module(page, "echo", "echo")
    page.go("#/modules/echo/invoke/echo")
    page.find("#view textarea[id$='-input']").send_keys("hello, console")
    page.find("#view form.invoke-form button[type=submit]").click()
    page.appears("#view .answer.ok")
    _, _, answer = api(page.base, "POST", "/v1/modules/echo/invoke/echo", body=b'{"input":"hello, console"}')
    assert page.find("#view pre.stream").text == answer["output"] == "hello, console"
    assert [line.text for line in page.find_all("#view ol.logs li")] == answer["logs"]
    fixtures = os.path.join(REPO, "Tests", "Fixtures", "wasi")
    upload_through_the_file_input(page, os.path.join(fixtures, "stdin_checksum.wasm"), "checksum")
    page.go("#/modules/checksum/invoke/_start")
    page.find("#view textarea[id$='-stdin']").send_keys("abc")
    page.find("#view form.invoke-form button[type=submit]").click()
    page.appears("#view .answer.ok")
    _, _, answer = api(page.base, "POST", "/v1/modules/checksum/invoke/_start", body=b'{"wasi":{"stdin":"abc"}}')
    streams = [element.text for element in page.find_all("#view pre.stream")]
    assert streams[0] == answer["stdout"].strip(), (streams, answer)
    assert "exit code" in page.find("#view .answer dl").text
    page.screenshot("wasi")


def test_dropping_a_file_on_the_page_uploads_it(context):
    """A .wat dropped anywhere on the page is uploaded with the name typed in the form."""
    page = context.page
    page.open("#/")
    page.find("#upload-name").send_keys("dropped")
    with open(os.path.join(EXAMPLES, "fib.wat"), encoding="utf-8") as source:
        text = source.read()
    page.mark()
    page.driver.execute_script("""
        const transfer = new DataTransfer();
        transfer.items.add(new File([arguments[0]], 'fib.wat', { type: 'text/plain' }));
        const target = document.querySelector('#view h2');
        target.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
        target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));""", text)
    page.wait(lambda: page.driver.execute_script("return location.hash") == "#/modules/dropped", "the dropped module's page")
    page.wait_for_view()
    status, _, description = api(page.base, "GET", "/v1/modules/dropped")
    assert status == 200 and "fib" in [entry["name"] for entry in description["exports"]]
    assert "fib" in page.find("#view table").text


def test_copy_as_curl_puts_the_command_on_the_clipboard(context):
    """The button copies the command the page shows, which asks the daemon the same question."""
    page = context.page
    ensure_module(page, "add", "calc")
    page.driver.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": page.base, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    page.go("#/modules/calc/invoke/add")
    page.find("#view input[id$='-arg0']").send_keys("-7")
    page.find("#view input[id$='-arg1']").send_keys("16")
    page.find("#view button.copy-curl").click()
    page.wait(lambda: page.find("#view button.copy-curl").text == "Copied", "the copy to finish")
    copied = page.driver.execute_async_script("navigator.clipboard.readText().then(arguments[0], (e) => arguments[0](String(e)))")
    assert copied == page.find("#view pre.curl").get_attribute("textContent"), copied
    run = subprocess.run(["bash", "-c", copied], capture_output=True, text=True, timeout=30)
    assert json.loads(run.stdout)["results"] == [9], run.stdout + run.stderr


def test_client_side_value_errors_name_the_field(context):
    """An i32 field with a fraction is refused in the page, next to the field, before any request."""
    page = context.page
    ensure_module(page, "add", "calc")
    page.go("#/modules/calc/invoke/add")
    first = page.find("#view input[id$='-arg0']")
    first.send_keys("1")
    page.find("#view input[id$='-arg1']").send_keys("2.5")
    page.find("#view form.invoke-form button[type=submit]").click()
    error = page.appears("#view .field-error:not([hidden])")
    assert "integer" in error.text, error.text
    assert page.find("#view input[id$='-arg1']").get_attribute("aria-invalid") == "true"
    assert not page.find_all("#view .answer-area .answer")


def test_delete_asks_first(context):
    """Delete opens a confirmation: Cancel keeps the module, Delete removes it."""
    page = context.page
    api(page.base, "POST", "/v1/modules?name=doomed", body=b'(module (func (export "f")))')
    page.open("#/")
    card = "#view li.module:has(a[href='#/modules/doomed'])"
    page.screenshot("list")
    page.find(f"{card} button.danger").click()
    dialog = page.appears("#confirm-delete[open]")
    assert "doomed" in dialog.text
    page.screenshot("delete-confirm")
    dialog.find_element(By.CSS_SELECTOR, "button[value=cancel]").click()
    page.wait(lambda: not page.find_all("#confirm-delete[open]"), "the dialog to close")
    assert api(page.base, "GET", "/v1/modules/doomed")[0] == 200
    page.find(f"{card} button.danger").click()
    page.appears("#confirm-delete[open] button[value=delete]").click()
    page.wait(lambda: api(page.base, "GET", "/v1/modules/doomed")[0] == 404, "the module to be deleted")
    page.wait(lambda: not page.find_all(card), "the card to go")


def test_keyboard_only_invoke(context):
    """From the list, the keyboard alone reaches the module, its invoke form, and runs it."""
    page = context.page
    ensure_module(page, "add", "calc")
    page.open("#/")

    def press(*keys):
        ActionChains(page.driver).send_keys(*keys).perform()

    def tab_to(check, what):
        for _ in range(80):
            if check(page.driver.switch_to.active_element):
                return
            press(Keys.TAB)
        raise AssertionError(f"Tab never reached {what}")

    tab_to(lambda element: (element.get_attribute("href") or "").endswith("#/modules/calc"), "the calc link")
    page.mark()
    press(Keys.ENTER)
    page.wait_for_view()
    assert page.driver.execute_script("return location.hash") == "#/modules/calc"
    tab_to(lambda element: element.get_attribute("aria-label") == "Invoke add", "the Invoke add link")
    page.mark()
    press(Keys.ENTER)
    page.wait_for_view()
    press(Keys.TAB, "20", Keys.TAB, "22", Keys.ENTER)
    result = page.appears("#view .result-value")
    assert result.text == "42", result.text


def test_narrow_and_dark(context):
    """At 360 px nothing scrolls sideways; the dark scheme follows prefers-color-scheme."""
    page = context.page
    ensure_module(page, "add", "calc")
    ensure_module(page, "pingpong", "pingpong")
    page.driver.set_window_size(360, 800)
    for route in ("#/", "#/modules/calc", "#/modules/pingpong/invoke/ping"):
        page.go(route)
        width = page.driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= 360, f"{route} is {width} px wide at 360"
    page.find("#view input[id$='-arg0']").send_keys("1")
    page.find("#view form.invoke-form button[type=submit]").click()
    page.appears("#view svg.chain")
    page.screenshot("narrow-chain", width=360)
    page.driver.set_window_size(*DESKTOP)
    light = page.driver.execute_script("return getComputedStyle(document.body).backgroundColor")
    page.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    dark = page.driver.execute_script("return getComputedStyle(document.body).backgroundColor")
    assert light != dark, (light, dark)
    invoke_with_fields(page, "calc", "add", ["40", "2"])
    page.screenshot("dark-invoke")
    page.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def test_a_token_is_asked_for_and_kept_for_the_tab(context):
    """With auth on: no token shows the prompt (no list); the right token shows the list."""
    daemon = rellib.Daemon(os.path.join(context.work, "auth-data"), env={"WASMHOST_TOKEN": TOKEN}).start()
    try:
        base = f"http://127.0.0.1:{daemon.port}"
        api(base, "POST", "/v1/modules?name=secret-calc", body=open(os.path.join(EXAMPLES, "add.wat"), "rb").read(), token=TOKEN)
        page = Page(context.page.driver, base, context.page.shots)
        page.open("#/")
        page.appears("#token-prompt")
        assert not page.find_all("#view ul.modules"), "the list is shown without a token"
        page.screenshot("token")
        page.find("#token-input").send_keys("wrong")
        page.mark()
        page.find("#token-form button[type=submit]").click()
        page.wait_for_view()
        alert = page.appears("#token-prompt [role=alert]")
        assert "not accepted" in alert.text, alert.text
        page.find("#token-input").send_keys(TOKEN)
        page.find("#token-form button[type=submit]").click()
        page.appears("#view ul.modules")
        assert "secret-calc" in page.find("#view ul.modules").text
        assert page.driver.execute_script("return sessionStorage.getItem('wasmhost.token')") == TOKEN
        assert page.find("#forget-token").is_displayed()
        answer = invoke_with_fields(page, "secret-calc", "add", ["2", "3"])
        assert page.find("#view .result-value").text == "5", answer.text
        assert "$WASMHOST_TOKEN" in page.find("#view pre.curl").get_attribute("textContent")
    finally:
        daemon.stop()


TESTS = [
    test_page_headers_and_a_clean_load,
    test_upload_add_wat_and_invoke_add,
    test_pingpong_chain_is_drawn_with_the_repeat_marked,
    test_bad_args_shows_its_detail,
    test_a_trap_shows_its_backtrace,
    test_a_chain_across_two_modules_has_a_lane_each,
    test_a_depth_cut_is_marked,
    test_a_component_description_renders,
    test_values_are_sent_and_shown_exactly,
    test_input_output_logs_and_wasi_streams,
    test_dropping_a_file_on_the_page_uploads_it,
    test_copy_as_curl_puts_the_command_on_the_clipboard,
    test_client_side_value_errors_name_the_field,
    test_delete_asks_first,
    test_keyboard_only_invoke,
    test_narrow_and_dark,
    test_a_token_is_asked_for_and_kept_for_the_tab,
]


class Context:
    pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--screenshots", help="save a PNG of each main view in this folder")
    parser.add_argument("-k", help="run only tests whose name contains this")
    args = parser.parse_args()
    if args.screenshots:
        os.makedirs(args.screenshots, exist_ok=True)
    started = time.monotonic()
    context = Context()
    context.work = tempfile.mkdtemp(prefix="wasmhost-console-")
    daemon = rellib.Daemon(os.path.join(context.work, "data")).start()
    driver = browser()
    context.page = Page(driver, f"http://127.0.0.1:{daemon.port}", args.screenshots)
    passed = failed = 0
    try:
        for test in TESTS:
            if args.k and args.k not in test.__name__:
                continue
            test_started = time.monotonic()
            try:
                context.page.errors()
                test(context)
                errors = context.page.script_errors()
                assert not errors, f"console errors: {errors}"
                passed += 1
                print(f"PASS {test.__name__} ({time.monotonic() - test_started:.1f} s)", flush=True)
            except Exception:  # noqa: BLE001 (every failure is reported, then the next test runs)
                failed += 1
                print(f"FAIL {test.__name__}", flush=True)
                traceback.print_exc()
                driver.save_screenshot(os.path.join(context.work, f"{test.__name__}.png"))
                print(f"  screenshot: {context.work}/{test.__name__}.png", flush=True)
    finally:
        driver.quit()
        daemon.stop()
    print(f"console tests took {time.monotonic() - started:.1f} s")
    print(f"console: {passed} passed, {failed} failed")
    if failed == 0:
        shutil.rmtree(context.work, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
