"""Reading sipconn-audit's HTML report in tests: what a person would look for, by the ids and
classes the report documents (analyzer/report/html.c)."""
import html.parser
import re


class HtmlReport(html.parser.HTMLParser):
    """The parts of the HTML report the checks read: finding headings by article id, the
    class of every element with an id, the link each marked ladder element leads to, and
    anything that would load or run something."""

    def __init__(self):
        super().__init__()
        self.headings = {}  # finding id -> its heading ("RULE · severity · frames N, M")
        self.classes = {}   # element id -> class attribute
        self.links = {}     # ladder element id -> href of the <a> inside it
        self.external = []  # what would load or run something, and duplicate ids
        self._article = None
        self._in_h4 = False
        self._head_tag = None
        self._open_ids = []
        self.order = []     # finding ids in document order
        self.omitted = 0    # findings only counted (data-omitted notes)
        self.hrefs = []     # links inside the page ("#id")

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" or any(k.startswith("on") for k in a):
            self.external.append(tag)
        for k in ("src", "href", "xlink:href"):
            if k in a and not a[k].startswith("#"):
                self.external.append("%s=%s" % (k, a[k]))
            elif k in a:
                self.hrefs.append(a[k])
        if "id" in a:
            if a["id"] in self.classes:
                self.external.append("a second element with id %s" % a["id"])
            self.classes[a["id"]] = a.get("class", "")
        if "data-omitted" in a:
            self.omitted += int(a["data-omitted"])
        if re.match(r"^f\d+-finding-\d+$", a.get("id", "")):
            self.order.append(a["id"])
            self._article = a["id"]  # an <article> in full, or a <tr> of a long list
        if "head" in a.get("class", "").split() and self._article:
            self._in_h4 = True
            self._head_tag = tag
            self.headings[self._article] = ""
        if tag == "g" and "id" in a:
            self._open_ids.append(a["id"])
        if tag == "a" and self._open_ids and "href" in a:
            self.links.setdefault(self._open_ids[-1], a["href"])

    def dead_links(self):
        """Links to an id no element has."""
        return sorted({h for h in self.hrefs if h[1:] not in self.classes})

    def handle_endtag(self, tag):
        if self._in_h4 and tag == self._head_tag:
            self._in_h4 = False
            self._article = None
        if tag == "g" and self._open_ids:
            self._open_ids.pop()

    def handle_data(self, data):
        if self._in_h4 and self._article:
            self.headings[self._article] += data
