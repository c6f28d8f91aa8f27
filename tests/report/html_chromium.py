#!/usr/bin/env python3
"""The HTML report of a real lab capture, as a person sees it: opened in headless Chromium
(Debian's chromium, driven by chromedriver over the W3C WebDriver protocol, standard library
only).

    html_chromium.py AUDIT CAPTURE RULE FRAME [SCREENSHOT.png]

RULE and FRAME come from the capture's hand-written .expect (the finding and its first frame).
Checks that:
  - the report holds no script and Chromium runs none (document.scripts is empty);
  - the ladder arrow of FRAME in the finding's connection exists, is drawn (a box of some size
    inside the page), has the class "bad" and a red computed stroke;
  - the screenshot shows red pixels along that arrow;
  - a click on the arrow leads to the finding's article.
The screenshot is kept at SCREENSHOT.png when given (docs/ holds one made this way).
"""
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zlib

RED = (213, 0, 0)  # the "bad" arrow's colour in the report's style sheet


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebDriver:
    def __init__(self, port):
        self.base = "http://127.0.0.1:%d" % port
        self.session = None

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return json.loads(r.read().decode())["value"]
        except urllib.error.HTTPError as e:
            value = json.loads(e.read().decode()).get("value", {})
            raise RuntimeError("WebDriver %s %s: %s: %s" % (
                method, path, value.get("error"), value.get("message", "").splitlines()[0]))

    def start(self, width, height):
        args = ["--headless=new", "--disable-gpu", "--hide-scrollbars",
                "--force-device-scale-factor=1", "--window-size=%d,%d" % (width, height)]
        if os.geteuid() == 0:
            args.append("--no-sandbox")  # Chromium refuses root without it
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": shutil.which("chromium"), "args": args}}}}
        self.session = self.call("POST", "/session", caps)["sessionId"]

    def s(self, path):
        return "/session/%s%s" % (self.session, path)

    def script(self, source, *args):
        return self.call("POST", self.s("/execute/sync"), {"script": source, "args": list(args)})


def png_pixels(data):
    """Decodes an 8-bit RGB or RGBA, non-interlaced PNG: (width, height, rows of (r, g, b))."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            assert depth == 8 and colour in (2, 6) and interlace == 0, "unexpected PNG format"
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(width)])
        prev = line
    return width, height, rows


def main():
    audit, capture, rule, frame = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    keep = sys.argv[5] if len(sys.argv) > 5 else None
    doc = json.loads(subprocess.run([audit, "--format", "json", "--fail-on", "never", capture],
                                    capture_output=True, text=True, check=True).stdout)
    findings = doc["files"][0]["findings"]
    index = next(j for j, x in enumerate(findings)
                 if x["rule"] == rule and x["frames"][0] == frame)
    conn = findings[index]["connection"]
    arrow_id = "f0-c%d-m%d" % (conn, frame)

    tmp = tempfile.mkdtemp()
    os.chmod(tmp, 0o755)
    page = os.path.join(tmp, "report.html")
    subprocess.run([audit, "--format", "html", "--fail-on", "never", "-o", page, capture],
                   check=True)
    os.chmod(page, 0o644)
    port = free_port()
    driver_log = open(os.path.join(tmp, "chromedriver.log"), "w")
    driver = subprocess.Popen(["chromedriver", "--port=%d" % port], stdout=driver_log,
                              stderr=subprocess.STDOUT)
    fails = []
    try:
        wd = WebDriver(port)
        for _ in range(100):
            try:
                wd.call("GET", "/status")
                break
            except OSError:
                time.sleep(0.1)
        wd.start(1100, 1400)
        wd.call("POST", wd.s("/url"), {"url": "file://" + page})
        if wd.script("return document.scripts.length") != 0:
            fails.append("the page holds a script")
        info = wd.script(
            "const e = document.getElementById(arguments[0]);"
            "if (!e) return null;"
            "e.scrollIntoView({block: 'center'});"
            "const r = e.querySelector('line').getBoundingClientRect();"
            "return {cls: e.getAttribute('class'),"
            "        stroke: getComputedStyle(e.querySelector('line')).stroke,"
            "        x: r.left, y: r.top, w: r.width, h: r.height,"
            "        vw: innerWidth, vh: innerHeight, ladders: "
            "        document.querySelectorAll('svg.ladder').length};", arrow_id)
        if info is None:
            fails.append("no element %s in the page" % arrow_id)
            return report(fails)
        print("arrow %s: class %r, stroke %s, box %.0f,%.0f %.0fx%.0f, %d ladders" % (
            arrow_id, info["cls"], info["stroke"], info["x"], info["y"], info["w"], info["h"],
            info["ladders"]))
        if "bad" not in info["cls"].split():
            fails.append("the arrow is not marked bad")
        if info["stroke"] != "rgb(%d, %d, %d)" % RED:
            fails.append("the arrow's stroke is %s, not red" % info["stroke"])
        if not (info["w"] > 100 and 0 <= info["y"] < info["vh"]):
            fails.append("the arrow is not drawn inside the window")
        shot = base64.b64decode(wd.call("GET", wd.s("/screenshot")))
        if keep:
            with open(keep, "wb") as f:
                f.write(shot)
        width, height, rows = png_pixels(shot)
        y = int(round(info["y"] + info["h"] / 2))
        red = 0
        for x in range(int(info["x"]) + 2, int(info["x"] + info["w"]) - 12):
            for dy in (-1, 0, 1):
                r, g, b = rows[min(max(y + dy, 0), height - 1)][min(x, width - 1)]
                if r > 180 and g < 60 and b < 60:
                    red += 1
                    break
        span = int(info["w"]) - 14
        print("screenshot %dx%d: %d of %d pixels along the arrow are red" % (
            width, height, red, span))
        if red < span * 0.5:  # keep-alive arrows are dashed
            fails.append("the screenshot does not show the arrow in red")
        found = wd.call("POST", wd.s("/element"),
                        {"using": "css selector", "value": "#%s a" % arrow_id})
        element = next((v for k, v in found.items() if k.startswith("element-")), None)
        if element is None:
            fails.append("no link in the arrow: %s" % found)
        else:
            wd.call("POST", wd.s("/element/%s/click" % element), {})
        target = wd.script("return location.hash")
        if target != "#f0-finding-%d" % index:
            fails.append("a click on the arrow leads to %r, not finding %d" % (target, index))
        wd.call("DELETE", wd.s(""))
    finally:
        driver.terminate()
        driver.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    return report(fails)


def report(fails):
    for f in fails:
        print("FAIL " + f)
    if not fails:
        print("ok: the offending arrow is drawn, red, and leads to its finding")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
