#!/usr/bin/python3
"""Opens a `chainsim report` page in real headless Chromium and checks it.

Usage: report_browser_check.py PAGE.html --sections a,b,... --charts a,b,...
                               [--chromium PATH] [--screenshot OUT.png] [--width 1280]

Chromium is driven over the DevTools protocol on a pipe (--remote-debugging-pipe:
JSON messages ending in NUL on file descriptors 3 and 4), so the check sees what
a reader's browser does, not a parse of the file:

  console     no console error, no uncaught exception, no log entry of level error
  network     the page requests nothing beyond itself (self-contained: no CSS, font,
              script or image from elsewhere; data: URLs are part of the page)
  sections    every section of --sections exists in that order with a heading and
              content, and a section whose input was given is not "not provided"
  charts      every chart of --charts is an inline SVG of real size with drawn marks
              (paths, text), inside its figure
  layout      nothing is wider than the window (no horizontal scrolling); then a
              full-page screenshot: its size is the window's width by the page's
              height, sections stack top to bottom without overlapping, every
              section's box has ink (non-white pixels) and every chart's box has
              ink in many colours spread over its area (a chart that failed to draw
              is blank or one colour), and the margins beside the centred column
              are blank (the page did not spill out of its column)

These are layout expectations, not a pixel-exact golden image: fonts, anti-aliasing
and Chromium versions move pixels without changing the layout.

Prints one line per finding and "ok" or the problems; exit status 0 ok, 1 a check
failed, 2 the browser could not be started or driven.
"""

import argparse
import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


class Browser:
    """Headless Chromium with the DevTools protocol on a pipe."""

    def __init__(self, chromium, profile):
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()

        def wire():
            # Move both ends out of the way first, then onto fds 3 and 4 (one of
            # them may already sit on 3 or 4 in this process).
            a = os.dup(to_child_r)
            b = os.dup(from_child_w)
            a2, b2 = os.dup2(a, 100), os.dup2(b, 101)
            os.dup2(a2, 3)
            os.dup2(b2, 4)

        cmd = [chromium, "--headless", "--remote-debugging-pipe", "--disable-gpu", "--no-first-run",
               "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
               "--hide-scrollbars", "--disable-dev-shm-usage", f"--user-data-dir={profile}", "about:blank"]
        if os.geteuid() == 0:
            cmd.insert(1, "--no-sandbox")  # Chromium will not start as root with its sandbox
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, preexec_fn=wire,
                                     close_fds=False)
        os.close(to_child_r)
        os.close(from_child_w)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def _read_message(self, deadline):
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from Chromium")
            ready, _, _ = select.select([self.from_child], [], [], left)
            if ready:
                chunk = os.read(self.from_child, 1 << 20)
                if not chunk:
                    raise ConnectionError("Chromium closed the DevTools pipe")
                self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method, params=None, session=None, timeout=60):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_child, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            m = self._read_message(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method, timeout=60):
        deadline = time.monotonic() + timeout
        for i, m in enumerate(self.events):
            if m.get("method") == method:
                return self.events.pop(i)
        while True:
            m = self._read_message(deadline)
            self.events.append(m)
            if m.get("method") == method:
                return m

    def drain(self, seconds):
        """Collects events for a while (late console messages)."""
        deadline = time.monotonic() + seconds
        try:
            while True:
                self.events.append(self._read_message(deadline))
        except TimeoutError:
            pass

    def close(self):
        try:
            self.send("Browser.close", timeout=10)
        except Exception:  # noqa: BLE001 - closing anyway
            pass
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_child)
        os.close(self.from_child)


DOM_FACTS = r"""
(() => {
  const rect = (el) => { const r = el.getBoundingClientRect();
    return [r.left + window.scrollX, r.top + window.scrollY, r.width, r.height]; };
  const sections = [...document.querySelectorAll("main > section")].map((s) => ({
    id: s.id, heading: (s.querySelector("h2") || {}).textContent || "", rect: rect(s),
    notProvided: !!s.querySelector(".not-provided"), text: s.innerText.length,
    tables: s.querySelectorAll("table tbody tr").length }));
  const charts = [...document.querySelectorAll("figure.chart")].map((f) => {
    const svg = f.querySelector(":scope > svg");
    return { id: f.dataset.chart, rect: rect(f), svg: svg ? rect(svg) : null,
      marks: svg ? svg.querySelectorAll("path, use, text, rect, polygon, polyline, line").length : 0,
      texts: svg ? svg.querySelectorAll("text").length : 0 };
  });
  const main = document.querySelector("main");
  return { title: document.title, width: window.innerWidth, scrollWidth: document.documentElement.scrollWidth,
    height: document.documentElement.scrollHeight, main: main ? rect(main) : null, sections, charts,
    ids: [...document.querySelectorAll("[id]")].map((e) => e.id) };
})()
"""


def ink(img):
    """Boolean image: pixels visibly different from white."""
    return (img < 0.94).any(axis=2)


def check(args):
    problems, notes = [], []
    page = Path(args.page).resolve()
    chromium = shutil.which(args.chromium) if args.chromium else None
    chromium = chromium or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("report_browser_check: Chromium not found (Debian: apt-get install chromium; scripts/bootstrap)",
              file=sys.stderr)
        return 2
    width = args.width
    with tempfile.TemporaryDirectory(prefix="chainsim-browser-check-") as profile:
        try:
            b = Browser(chromium, profile)
        except OSError as e:
            print(f"report_browser_check: cannot start {chromium}: {e}", file=sys.stderr)
            return 2
        try:
            target = b.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = b.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Runtime", "Log", "Page", "Network"):
                b.send(f"{domain}.enable", session=session)
            b.send("Emulation.setDeviceMetricsOverride",
                   {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session=session)
            nav = b.send("Page.navigate", {"url": page.as_uri()}, session=session)
            if nav.get("errorText"):
                problems.append(f"navigation failed: {nav['errorText']}")
            b.wait_event("Page.loadEventFired", timeout=120)
            b.drain(1.0)
            facts = b.send("Runtime.evaluate", {"expression": DOM_FACTS, "returnByValue": True},
                           session=session)["result"]["value"]
            height = int(min(facts["height"], 30000))
            b.send("Emulation.setDeviceMetricsOverride",
                   {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=session)
            shot = b.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True},
                          session=session, timeout=120)
            b.drain(0.3)
        except (TimeoutError, ConnectionError, RuntimeError, KeyError) as e:
            err = b.proc.stderr.read().decode("utf-8", "replace")[-2000:] if b.proc.poll() is not None else ""
            b.close()
            print(f"report_browser_check: driving Chromium failed: {e}\n{err}", file=sys.stderr)
            return 2
        b.close()

    # -- console and network --------------------------------------------------------
    page_url = page.as_uri()
    for m in b.events:
        method, p = m.get("method"), m.get("params", {})
        if method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
            problems.append(f"console {p['type']}: {text}")
        elif method == "Runtime.exceptionThrown":
            problems.append(f"uncaught exception: {p.get('exceptionDetails', {}).get('text')}")
        elif method == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            problems.append(f"console error ({p['entry'].get('source')}): {p['entry'].get('text')}")
        elif method == "Network.requestWillBeSent":
            url = p.get("request", {}).get("url", "")
            if url != page_url and not url.startswith("data:"):
                problems.append(f"the page requests {url} (it must be self-contained)")
        elif method == "Network.loadingFailed":
            problems.append(f"a request failed: {p.get('errorText')}")
    notes.append(f"console: {sum(1 for m in b.events if m.get('method') == 'Runtime.consoleAPICalled')} "
                 "console call(s), none an error" if not any(p.startswith("console") for p in problems) else "")

    # -- sections ----------------------------------------------------------------------
    want_sections = [s for s in args.sections.split(",") if s]
    got = [s["id"] for s in facts["sections"]]
    if got[:len(want_sections)] != want_sections and [s for s in got if s in want_sections] != want_sections:
        problems.append(f"sections {got}, expected {want_sections} in that order")
    provided = set(s for s in args.provided.split(",") if s)
    by_id = {s["id"]: s for s in facts["sections"]}
    for sid in want_sections:
        s = by_id.get(sid)
        if s is None:
            problems.append(f"section {sid!r} missing")
            continue
        if not s["heading"].strip():
            problems.append(f"section {sid!r} has no heading")
        if s["rect"][3] < 40 or s["text"] < 20:
            problems.append(f"section {sid!r} is empty ({s['rect'][3]:.0f} px high, {s['text']} characters)")
        if sid in provided and s["notProvided"]:
            problems.append(f"section {sid!r} says 'not provided' though its input was given")
    if len(set(facts["ids"])) != len(facts["ids"]):
        dup = sorted({i for i in facts["ids"] if facts["ids"].count(i) > 1})
        problems.append(f"duplicate element ids (charts would share clip paths): {dup[:8]}")

    # -- charts ---------------------------------------------------------------------------
    charts = {c["id"]: c for c in facts["charts"]}
    main_w = facts["main"][2] if facts["main"] else width
    for cid in [c for c in args.charts.split(",") if c]:
        c = charts.get(cid)
        if c is None:
            problems.append(f"chart {cid!r} missing")
            continue
        if c["svg"] is None:
            problems.append(f"chart {cid!r} has no inline SVG")
            continue
        w, h = c["svg"][2], c["svg"][3]
        if w < 0.6 * main_w or h < 120:
            problems.append(f"chart {cid!r} is {w:.0f}x{h:.0f} px (column {main_w:.0f} px)")
        if c["marks"] < 30 or c["texts"] < 3:
            problems.append(f"chart {cid!r} has only {c['marks']} marks and {c['texts']} texts")
        notes.append(f"chart {cid}: {w:.0f}x{h:.0f} px, {c['marks']} marks, {c['texts']} texts")

    # -- layout --------------------------------------------------------------------------
    if facts["scrollWidth"] > facts["width"] + 1:
        problems.append(f"the page is {facts['scrollWidth']} px wide in a {facts['width']} px window "
                        "(horizontal scrolling)")
    png = base64.b64decode(shot["data"])
    if args.screenshot:
        Path(args.screenshot).write_bytes(png)
    import matplotlib.image as mpimg
    import io
    img = mpimg.imread(io.BytesIO(png), format="png")[:, :, :3].astype(float)
    if img.max() > 1.0:
        img /= 255.0
    h_px, w_px = img.shape[:2]
    notes.append(f"screenshot: {w_px}x{h_px} px, {len(png):,} bytes")
    if w_px != width or abs(h_px - height) > 2:
        problems.append(f"screenshot is {w_px}x{h_px}, expected {width}x{height}")
    dark = ink(img)
    if dark.mean() < 0.01:
        problems.append(f"the screenshot is blank ({dark.mean():.1%} ink)")
    prev_bottom = -1.0
    for sid in want_sections:
        s = by_id.get(sid)
        if s is None:
            continue
        x, y, w, h = s["rect"]
        if y < prev_bottom - 1:
            problems.append(f"section {sid!r} starts at {y:.0f} px, above the end of the previous one "
                            f"({prev_bottom:.0f} px)")
        prev_bottom = y + h
        region = dark[int(y):int(min(y + h, h_px)), int(max(x, 0)):int(min(x + w, w_px))]
        share = float(region.mean()) if region.size else 0.0
        notes.append(f"section {sid}: y {y:.0f}-{y + h:.0f} px, ink {share:.1%}")
        if share < 0.005:
            problems.append(f"section {sid!r} is blank in the screenshot ({share:.2%} ink)")
    for cid in [c for c in args.charts.split(",") if c]:
        c = charts.get(cid)
        if c is None or c["svg"] is None:
            continue
        x, y, w, h = c["svg"]
        region = img[int(y):int(min(y + h, h_px)), int(max(x, 0)):int(min(x + w, w_px))]
        if region.size == 0:
            problems.append(f"chart {cid!r} lies outside the screenshot")
            continue
        colours = len(np.unique((region * 15).round().astype(int).reshape(-1, 3), axis=0))
        d = ink(region)
        # Ink in each quarter of the chart (top/bottom x left/right): a chart that
        # drew only its frame or a corner fails.
        hh, ww = d.shape
        quarters = [d[:hh // 2, :ww // 2].mean(), d[:hh // 2, ww // 2:].mean(), d[hh // 2:, :ww // 2].mean(),
                    d[hh // 2:, ww // 2:].mean()]
        if colours < 6 or d.mean() < 0.02 or min(quarters) < 0.003:
            problems.append(f"chart {cid!r} looks empty in the screenshot: {colours} colours, ink {d.mean():.1%}, "
                            f"quarters {[f'{q:.1%}' for q in quarters]}")
    if facts["main"]:
        x, _y, w, _h = facts["main"]
        margin_l, margin_r = dark[:, :max(int(x) - 2, 0)], dark[:, int(x + w) + 2:]
        for name, m in (("left", margin_l), ("right", margin_r)):
            if m.size and m.mean() > 0.001:
                problems.append(f"ink in the {name} margin outside the page's column ({m.mean():.2%})")

    for n in notes:
        if n:
            print(n)
    if problems:
        print("\n".join(f"PROBLEM: {p}" for p in problems))
        return 1
    print("ok")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("page")
    ap.add_argument("--sections", required=True, help="section ids, in order, comma-separated")
    ap.add_argument("--charts", required=True, help="chart ids that must be drawn, comma-separated")
    ap.add_argument("--provided", default="", help="section ids whose input was given (must not say 'not provided')")
    ap.add_argument("--chromium")
    ap.add_argument("--screenshot", help="write the full-page screenshot here")
    ap.add_argument("--width", type=int, default=1280)
    return check(ap.parse_args())


if __name__ == "__main__":
    sys.exit(main())
