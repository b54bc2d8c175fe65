"""A real headless Chromium (the one `make test` provides) against the live test server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize

from accounts.models import User
from tests.conftest import ROOT

ARTIFACTS = ROOT / "test-artifacts" / "browser"
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}


def chromium_path() -> str | None:
    """The Chromium `make test` provided (tools/provide-chromium), else one on this machine;
    None means Playwright's own build."""
    provided = os.environ.get("UPRIGHT_CHROMIUM")
    if provided:
        return None if provided == "playwright" else provided
    candidates = ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"))
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test's thread for as long as the
    # browser lives; the ORM calls the tests make (setting up people, flushing the database)
    # are still plain synchronous code. Allowed only while the browser runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        executable = chromium_path()
        launched = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
        )  # fmt: skip
        yield launched
        launched.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def phone(browser: Browser, live_server, request) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, is_mobile=True,
                                  has_touch=True)  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(15000)
    errors: list[str] = []
    page.on(
        "console",
        lambda m: errors.append(f"{page.url}: {m.text[:160]}") if m.type == "error" else None,
    )
    page.csp_errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


class Shots:
    """Screenshots of each step, kept as test artifacts (git-ignored)."""

    def __init__(self, name: str) -> None:
        self.folder = ARTIFACTS / name
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def __call__(self, page, step: str) -> None:
        self.count += 1
        # caret="initial": hiding the caret would inject a style the CSP rightly refuses.
        path = str(self.folder / f"{self.count:02d}-{step}.png")
        # What the screen shows, not the whole page: text far above the viewport was not seen.
        page.screenshot(path=path, full_page=False, caret="initial")


@pytest.fixture
def shots(request) -> Shots:
    return Shots(request.node.name)


def log_in_with_code(page, email: str, password: str, user) -> None:
    """Sign in through the real forms, giving the code the person's authenticator app
    would show (the person needs two-step sign-in on: `tests.conftest.enable_second_factor`)."""
    from tests.conftest import code_now

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code from your app, or a recovery code").fill(code_now(user))
    page.get_by_role("button", name="Sign in").click()


def box_on_screen(page, locator) -> bool:
    """Whether the element's whole box lies inside the viewport as it is scrolled now."""
    box = locator.bounding_box()
    if box is None:
        return False
    size = page.viewport_size
    return (
        box["y"] >= 0
        and box["x"] >= 0
        and box["y"] + box["height"] <= size["height"]
        and box["x"] + box["width"] <= size["width"]
    )


def focus_is_inside(page, selector: str) -> bool:
    return page.evaluate(
        "(s) => { const el = document.querySelector(s); "
        "return !!el && el.contains(document.activeElement); }",
        selector,
    )


def log_in(page, email: str) -> None:
    from tests.conftest import PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def pick_pain(page, value: int) -> None:
    group = page.get_by_role("radiogroup", name="Worst pain today")
    group.get_by_role("radio", name=str(value), exact=True).check()


def pages_at_both_sizes(
    browser: Browser, base_url: str, person: User | None = None
) -> Iterator[tuple[str, Page]]:
    """A page signed in as `person` (or nobody) at phone size, then at desktop size, with
    one sign-in (a two-step code is good only once)."""
    from tests.conftest import PASSWORD

    context = browser.new_context(viewport=PHONE, base_url=base_url)
    page = context.new_page()
    if person is not None and person.is_physiotherapist:
        log_in_with_code(page, person.email, PASSWORD, person)
        page.wait_for_load_state()
    elif person is not None:
        log_in(page, person.email)
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        yield str(viewport["width"]), page
    context.close()


def open_disclosure(page, summary_text: str) -> None:
    """Open a <details> by its summary, as a person taps it, unless it is open already."""
    summary = page.locator("summary", has_text=summary_text).first
    if not summary.evaluate("(s) => s.parentElement.open"):
        summary.click()


def log_out(page) -> None:
    open_disclosure(page, "More")
    page.get_by_role("button", name="Log out").click()
