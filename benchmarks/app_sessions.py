"""Browser side of the app benchmark: Playwright (async) in Debian's Chromium against Streamlit."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from playwright.async_api import Browser, Page, async_playwright
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    *("--no-sandbox", "--disable-gpu", "--disable-background-networking"),
    *("--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"),
]
PAGES: tuple[str, ...] = ("overview", "demand", "advice", "list", "models", "data")
SLIDERS: tuple[str, ...] = ("price", "cost", "capex", "volume")
TIMEOUT_MS = 60_000
PROCESS_TAB = "加工"  # the what-ifs are timed on the Process list (Chinese, the default)
POLL_MS = 50  # the concurrent sessions check for "rendered" every 50 ms, not every frame
Poll = float | Literal["raf"]
# What-if steps (control, move): a slider or the number input moves one step, the toggle
# flips, the selectbox takes the next option. Moves forward reach new what-if values, moves
# back revisit values computed before (cache hits). Quick runs take the first 10.
PLAN: tuple[tuple[str, int], ...] = (
    *(("cost", 1), ("cost", 1), ("cost", -1), ("cost", -1), ("cold", 1), ("cold", 1)),
    *(("transit", 1), ("transit", 1), ("transit", -1), ("transit", -1)),
    *(("skill", 1), ("skill", 1), ("skill", 1), ("price", 1), ("price", -1)),
    *(("price", 1), ("price", -1), ("capex", 1), ("capex", 1), ("capex", -1), ("capex", -1)),
    *(("volume", 1), ("volume", -1), ("volume", 1), ("cold", 1), ("cold", 1)),
    *(("cost", 1), ("cost", 1), ("cost", -1), ("cost", -1)),
)
_MODULO = {"cold": 2, "skill": 3}

# Logs (page clock, performance.now() ms, from each document's first byte) every script run
# the server starts and finishes: the websocket's ForwardMsg protobufs, read to their first
# field after hash (1) and metadata (2): 4 new_session = a run starts (logged as -1), 6
# script_finished = its status (2: cut short by a rerun), then whether two animation frames
# have begun since it arrived (React has drawn it). And the time of every user input.
INIT_SCRIPT = """
const x = (window.__xn = {runs: [], inputs: []});
const run = (b) => {
  let i = 0;
  const varint = () => {
    let v = 0, s = 0, c;
    do { c = b[i++]; v += (c & 127) * 2 ** s; s += 7; } while (c & 128 && i < b.length);
    return v;
  };
  while (i < b.length) {
    const tag = varint(), f = Math.floor(tag / 8), wire = tag % 8;
    const v = wire === 0 || wire === 2 ? varint() : 0;
    if (f === 4 || f === 6) return f === 4 ? -1 : v;
    if (f > 2 || (wire !== 0 && wire !== 2)) return null;
    if (wire === 2) i += v;
  }
  return null;
};
window.WebSocket = class extends window.WebSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', (e) => {
      const code = e.data instanceof ArrayBuffer ? run(new Uint8Array(e.data)) : null;
      if (code === null) return;
      const entry = [performance.now(), code, code < 0];
      x.runs.push(entry);
      requestAnimationFrame(() => requestAnimationFrame(() => { entry[2] = true; }));
    });
  }
};
for (const t of ['keydown', 'pointerdown', 'click'])
  document.addEventListener(t, () => x.inputs.push(performance.now()), true);
"""
# False until the page is rendered after page time `since`; then the page times the first run
# after `since` started, the last one finished and the page was rendered (-1: an exception box
# shows). Rendered: the last run finished, not cut short, two frames ago; the app says
# `notRunning`; no element is stale or a lazy-load skeleton; every visible chart has drawn;
# on the overview a metric and a subheader show.
RENDERED = """({since, overview}) => {
  const x = window.__xn, runs = x ? x.runs.filter((e) => e[0] >= since) : [];
  const last = runs[runs.length - 1];
  if (!last || last[1] < 0 || last[1] === 2 || !runs.some((e) => e[1] < 0)) return false;
  const app = document.querySelector('[data-testid="stApp"]');
  if (!last[2] || app?.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stException"]')) return -1;
  if (document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]')) return false;
  for (const c of document.querySelectorAll('[data-testid="stVegaLiteChart"]'))
    if (c.checkVisibility() && !c.querySelector('svg, canvas')) return false;
  const main = document.querySelector('[data-testid="stMain"]');
  const shown = (s) => [...(main?.querySelectorAll(s) ?? [])].some((e) => e.checkVisibility());
  if (overview && !(shown('[data-testid="stMetric"]') && shown('h3'))) return false;
  return [runs.find((e) => e[1] < 0)[0], last[0], performance.now()];
}"""
_LOADED = "performance.getEntriesByType('navigation')[0].loadEventEnd"
_FIRST_INPUT = "(mark) => window.__xn.inputs.find((t) => t >= mark) ?? mark"


class AppError(RuntimeError):
    """The page rendered a Streamlit exception box."""


class Timing(NamedTuple):
    """Seconds from the user's input (or the navigation start) until the script run started
    (its new_session message arrived), the last run finished (script_finished) and the page
    was rendered."""

    run_start: float
    run_end: float
    seconds: float


@dataclass
class Tally:
    """What the concurrent sessions did and what went wrong.

    Attributes:
        views: Seconds per page view, per page.
        whatifs: Seconds per what-if change.
        errors: Errors per kind.
        examples: The first few error messages.
    """

    views: dict[str, list[float]] = field(default_factory=lambda: {p: [] for p in PAGES})
    whatifs: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    def error(self, kind: str, detail: str) -> None:
        """Count one error of ``kind`` (and keep its message if it is among the first 10)."""
        self.errors[kind] += 1
        if len(self.examples) < 10:
            self.examples.append(f"{kind}: {detail[:300]}")


def _failure(exc: Exception) -> tuple[str, str]:
    """The kind (``exception``, ``timeout`` or ``playwright``) and message of a failed step."""
    if isinstance(exc, AppError):
        return "exception", str(exc)
    kind = "timeout" if isinstance(exc, PlaywrightTimeoutError) else "playwright"
    return kind, (str(exc).splitlines() or [""])[0]


async def _open(browser: Browser) -> Page:
    """A page in a fresh browser context (own cookies, cache and Streamlit session)."""
    context = await browser.new_context(viewport={"width": 1366, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    await context.add_init_script(INIT_SCRIPT)
    return await context.new_page()


async def _rendered(page: Page, since: float, overview: bool = False, poll: Poll = "raf") -> Timing:
    """Wait until the page is rendered after page time ``since`` (checking every animation
    frame, or every ``poll`` ms); timed from the first input after ``since`` (from the
    navigation start when ``since`` is 0)."""
    arg = {"since": since, "overview": overview}
    handle = await page.wait_for_function(RENDERED, arg=arg, polling=poll, timeout=TIMEOUT_MS)
    done = await handle.json_value()
    if done == -1:
        text = await page.locator('[data-testid="stException"]').first.inner_text()
        raise AppError(text.strip().replace("\n", " "))
    start = float(await page.evaluate(_FIRST_INPUT, since)) if since else 0.0
    return Timing(*((float(t) - start) / 1000 for t in done))


async def _visit(page: Page, url: str, path: str, *, reload: bool, poll: Poll = "raf") -> Timing:
    """Show one page (by loading its URL, or by its sidebar link) and time it."""
    href = f"{url}/" if path == PAGES[0] else f"{url}/{path}"
    if reload:
        await page.goto(href)
        return await _rendered(page, 0.0, path == PAGES[0], poll)
    mark = float(await page.evaluate("performance.now()"))
    await page.locator(f'[data-testid="stSidebarNav"] a[href="{href}"]').click()
    return await _rendered(page, mark, path == PAGES[0], poll)


async def _whatif(page: Page, county: str, control: str, move: int, poll: Poll = "raf") -> Timing:
    """Change one what-if control on the advice page and time it from the input."""
    box = f".st-key-wi_{control}_{county}"
    if control == "skill":
        await page.locator(f"{box} input[role='combobox']").click()
        options = page.locator("[role='listbox'] [role='option']")
        await options.first.wait_for()
        texts = await options.all_inner_texts()
        now = await page.locator(f"{box} input[role='combobox']").input_value()
        target = options.nth((texts.index(now) + move) % len(texts))
    elif control == "cold":
        target = page.locator(f"{box} label")
    elif control == "transit":
        target = page.locator(
            f"{box} [data-testid='stNumberInputStep{'Up' if move > 0 else 'Down'}']"
        )
    else:
        target = page.locator(f"{box} input[type='range']")
    mark = float(await page.evaluate("performance.now()"))
    if control in SLIDERS:
        await target.press("ArrowRight" if move > 0 else "ArrowLeft")
    else:
        await target.click()
    return await _rendered(page, mark, poll=poll)


async def first_render(
    browser: Browser, url: str, visits: int, *, returning: bool = False
) -> list[dict[str, Any]]:
    """The overview's first render: the cold visit, then ``visits`` more.

    Each visit is a new Streamlit session. With ``returning`` every visit is a new tab of one
    browser profile, so the frontend comes from the browser's cache (Streamlit serves it as
    ``immutable``), as for a manager who opened the app before; otherwise each visit is a
    fresh profile that downloads and compiles the whole frontend.

    Returns:
        Per visit: the :class:`Timing` fields and ``load_event`` (the page's load event
        ended: the frontend is loaded), on the page clock from the navigation start; ``wall``
        (this process's clock, ``page.goto`` to the wait's return); or ``error``.
    """
    out: list[dict[str, Any]] = []
    shared = (await _open(browser)).context if returning else None
    for _ in range(visits + 1):
        page = await shared.new_page() if shared else await _open(browser)
        try:
            start = time.perf_counter()
            visit = (await _visit(page, url, PAGES[0], reload=True))._asdict()
            visit["wall"] = time.perf_counter() - start
            visit["load_event"] = await page.evaluate(_LOADED) / 1000
            out.append(visit)
        except (AppError, PlaywrightError) as exc:
            out.append({"error": ": ".join(_failure(exc))})
        finally:
            await (page.close() if shared else page.context.close())
    if shared:
        await shared.close()
    return out


async def _process_tab(page: Page, url: str) -> None:
    """Open the advice page on its Process tab, the list every what-if control moves."""
    await _visit(page, url, "advice", reload=True)
    mark = float(await page.evaluate("performance.now()"))
    await page.get_by_role("tab", name=PROCESS_TAB).click()
    await _rendered(page, mark)


async def whatif_steps(browser: Browser, url: str, county: str, steps: int) -> list[dict[str, Any]]:
    """Walk the what-if controls of ``county`` on the advice page through ``PLAN[:steps]``.

    Returns:
        Per step: ``control``, ``move``, ``new`` (its what-if values were not computed
        before in this run) and the :class:`Timing` fields, or ``error`` (the page is then
        reloaded, which resets the controls).
    """
    page = await _open(browser)
    try:
        await _process_tab(page, url)
        state: Counter[str] = Counter()
        seen, out = {frozenset(state.items())}, []
        for control, move in PLAN[:steps]:
            state[control] = (state[control] + move) % _MODULO.get(control, 1 << 30)
            key = frozenset((k, v) for k, v in state.items() if v)
            step: dict[str, Any] = {"control": control, "move": move, "new": key not in seen}
            try:
                step.update((await _whatif(page, county, control, move))._asdict())
                seen.add(key)
            except (AppError, PlaywrightError) as exc:
                step["error"] = ": ".join(_failure(exc))
                state.clear()
                await _process_tab(page, url)
            out.append(step)
        return out
    finally:
        await page.context.close()


async def tour(browser: Browser, url: str) -> dict[str, Any]:
    """Seconds until rendered of every page, once, in one session (or the error)."""
    page = await _open(browser)
    out: dict[str, Any] = {}
    try:
        for path in PAGES:
            try:
                out[path] = (await _visit(page, url, path, reload=path == PAGES[0])).seconds
            except (AppError, PlaywrightError) as exc:
                out[path] = ": ".join(_failure(exc))
                await page.goto(f"{url}/")
        return out
    finally:
        await page.context.close()


async def _session(
    browser: Browser, url: str, county: str, index: int, times: tuple[float, float], tally: Tally
) -> None:
    """User ``index`` from ``times[0]`` seconds after now until the clock reads ``times[1]``.

    Each round loads the overview (a new Streamlit session), then clicks through the other
    pages in the sidebar, with two what-if changes on the advice page; every step waits
    until the page is rendered. A failed step is counted and ends the round.
    """
    delay, stop = times
    await asyncio.sleep(delay)
    page = await _open(browser)
    page.on("pageerror", lambda exc: tally.error("pageerror", f"{page.url}: {exc}"))
    page.on(
        "response",
        lambda r: tally.error("http", f"{r.status} {r.url}") if r.status >= 500 else None,
    )
    rounds = 0
    try:
        while time.monotonic() < stop:
            step = ""
            try:
                for path in PAGES:
                    if time.monotonic() >= stop:
                        break
                    step = f"/{path}"
                    timing = await _visit(page, url, path, reload=path == PAGES[0], poll=POLL_MS)
                    tally.views[path].append(timing.seconds)
                    if path == "advice":
                        slider, move = SLIDERS[rounds % len(SLIDERS)], 1 - 2 * (index % 2)
                        for control, change in ((slider, move), ("cold", 1)):
                            step = f"/advice what-if {control} {change:+d}"
                            timing = await _whatif(page, county, control, change, POLL_MS)
                            tally.whatifs.append(timing.seconds)
            except (AppError, PlaywrightError) as exc:
                kind, message = _failure(exc)
                tally.error(kind, f"session {index} {step}: {message}")
            rounds += 1
    finally:
        await page.context.close()


async def drive(
    url: str, county: str, sizes: dict[str, Any], probe: Callable[[], tuple[float, ...]]
) -> dict[str, Any]:
    """All measurements with one browser (closed at the end whatever happens).

    The overview's first renders, the what-if steps, a tour of every page (so that the
    sessions' memory growth is not the caches a page fills on its first visit), then
    ``sizes["sessions"]`` users at once for ``sizes["seconds"]`` (they arrive one by one over
    the ``sizes["warmup"]`` seconds), calling ``probe()`` (the server's memory, CPU seconds
    so far) every ~2 s.

    Returns:
        ``first_render``, ``whatif``, ``before_tour`` (a probe), ``tour``, ``tally`` and
        ``samples`` (seconds since the sessions started, then the probe's figures).
    """
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            out: dict[str, Any] = {
                "first_render": await first_render(browser, url, sizes["visits"]),
                "first_render_returning": await first_render(
                    browser, url, sizes["visits"], returning=True
                ),
            }
            out["whatif"] = await whatif_steps(browser, url, county, sizes["whatif_steps"])
            out["before_tour"] = probe()
            out["tour"] = await tour(browser, url)
            tally, start, samples = Tally(), time.monotonic(), []

            async def sample() -> None:
                while True:
                    samples.append((round(time.monotonic() - start, 1), *probe()))
                    await asyncio.sleep(2.0)

            sampler, stop = asyncio.create_task(sample()), start + sizes["seconds"]
            n, ramp = sizes["sessions"], sizes["warmup"] / sizes["sessions"]
            try:
                await asyncio.gather(
                    *(_session(browser, url, county, i, (i * ramp, stop), tally) for i in range(n))
                )
            finally:
                sampler.cancel()
            samples.append((round(time.monotonic() - start, 1), *probe()))
            out["tally"], out["samples"] = tally, samples
        finally:
            await browser.close()
    return out
