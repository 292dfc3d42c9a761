#!/usr/bin/env python3
"""The test oracle for issue 9's promise: given a plan source and the PDF
kehoach rendered from it, check that

  * every word of the source comes back from `pdftotext` (as a multiset):
    the front-matter values that print, with the template's fixed words
    (national title, motto, "Số:", date wording, "KẾ HOẠCH", "Nơi nhận:",
    "- …;" recipients, "- Lưu: ….", the signer), and the Markdown body with
    its syntax removed and the headings numbered from the structure;
    nothing else is printed but the page numbers;
  * no glyph lies outside the paper less 8 mm;
  * no two word boxes overlap.

The expected words are derived here, independently of the program: the
front matter is read with PyYAML (every scalar as the text typed) and the
body with markdown-it-py (a CommonMark parser that is not cmark, Debian's
python3-markdown-it). What the program does by design is mirrored: a
heading's hand number ("II.", "2.1.", "a)") is replaced by the structure's,
level styles upper-case, HTML tags and comments print nothing but the text
between tags, code blocks print their text, a link prints its text.
Footnotes (GFM): a reference prints its note's number (superscript,
numbered by first reference through the plan; "2,1" for two in a row),
each referenced note prints once as "N" and its text; a note never
referenced prints nothing (a warning). pdftotext reads a superscript or
subscript as a word of its own ("m" "2"): an expected word typed as one
("m<sup>2</sup>", "Luật[^1]") also matches the fragments pdftotext gives
one after the other.

A long word (a URL) may be broken across lines without a hyphen: a missing
word is matched by joining the fragments that end one line and start the
next. Words upper-cased by the layout are also matched case-insensitively
(Python's and the program's case tables may differ outside Vietnamese).

Library: problems(plan_path, pdf_path) -> list of strings (empty: the
promise holds); expected_words(source_text) for the word list.
CLI: python3 tests/oracle.py PLAN.md PLAN.pdf  (prints the problems, exit 1
if any, 2 on a usage error).
"""
import collections
import html
import html.parser
import os
import re
import subprocess
import sys
import threading
import unicodedata
import xml.etree.ElementTree as ET

import yaml
from markdown_it import MarkdownIt

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MM = 72 / 25.4
PAPER_MARGIN_MM = 8   # the promise: nothing closer to the paper's edge
OVERLAP_EPS = 0.25    # pt: boxes touching by less than this do not overlap

# ---- the words of the plan source ----

LETTERS = "a b c d đ e g h i k l m n o p q r s t u v x y".split()
HAND_NUMBER = re.compile(r"^(?:[IVXLC]+\.|[IVXLC]+ [-\u2013]|[A-Z]\.|\d+(?:\.\d+)*[.)]|\d+(?:\.\d+)+|[a-zđ][.)])\s+")


class Word(str):
    """An expected word; upcased: the layout upper-cases it (matched
    case-insensitively as a fallback); alts: other forms that count."""
    upcased = False
    alts = ()
    repeats = False  # a table's header row: printed again atop each page


def _word(text, upper=False, alts=()):
    w = Word(text)
    w.upcased, w.alts = upper, tuple(alts)
    return w


# invisible format characters print nothing (the model drops them, with
# an invisible-char warning): soft hyphen, zero-width spaces and joiners
INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


def _words(text, upper=False):
    text = INVISIBLE.sub("", text)
    text = text.upper() if upper else text
    return [_word(t, upper) for t in text.split()]


def roman(n):
    out = ""
    for v, s in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                 (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out += s
            n -= v
    return out


def label(fmt, counters):
    """A heading number: "{1:I}." with counters → "II."."""
    def one(m):
        n = counters[int(m.group(1)) - 1]
        style = m.group(2)
        if style == "I":
            return roman(n)
        if style == "i":
            return roman(n).lower()
        if style == "a":
            return LETTERS[(n - 1) % len(LETTERS)] if n else "0"
        return str(n)
    return re.sub(r"\{(\d):(.)\}", one, fmt)


def split_source(text):
    """(front matter mapping, body) of a plan file's text, as the loader
    reads it: BOM and CRLF accepted, NFC."""
    text = unicodedata.normalize("NFC", text.lstrip("\ufeff").replace("\r\n", "\n"))
    m = re.match(r"---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|$)(.*)", text, re.S)
    if not m:
        raise ValueError("no front matter")
    # BaseLoader: every scalar as typed ("05" stays "05", dates stay text)
    front = yaml.load(m.group(1) or "", Loader=yaml.BaseLoader) or {}
    return front, m.group(2)


def template(front):
    path = os.path.join(ROOT, "templates", "%s.yaml" % front.get("type", "ke-hoach"))
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def _lines(value):
    """A field printed on several lines when asked: "<br>" is a break."""
    return BR_TAG.sub(" ", value or "")


def bodies(front):
    """(issuer, signer) of each issuing body, the lead first: a plan's one,
    or a joint plan's issuers (kế hoạch liên tịch)."""
    if "issuers" not in front:
        return [(front["issuer"], front.get("signer"))]
    items = front["issuers"]
    lead = [i for i in items if i.get("lead") is True][:1]
    return [(i, i["signer"]) for i in lead + [i for i in items if i not in lead]]


def symbol(front, tpl):
    """The number's symbol after "/": KH-SYT, a joint plan's KHLT-SYT-CĐYT."""
    code = tpl["joint_doc_code"] if "issuers" in front else tpl["doc_code"]
    return "-".join([code] + [i["code"] for i, _ in bodies(front)])


def running_name_words(front, tpl):
    """The issuing bodies as running text writes them: each one's
    full_name, else its upper-case name matched in any case (UBND spelt
    out); a joint plan's joined "A, B và C"."""
    name_words = []
    all_ = bodies(front)
    for k, (iss, _) in enumerate(all_):
        if k + 1 < len(all_) and k:  # "A, B và C"
            name_words[-1] = _word(name_words[-1] + ",", name_words[-1].upcased)
        elif k:
            name_words += _words(tpl["appendix"]["joint_and"])
        name = iss.get("full_name")
        if name:
            name_words += _words(name)
        else:
            up = _lines(iss["name"]).replace("UBND", "ỦY BAN NHÂN DÂN")
            name_words += _words(up, True)
    return name_words


def date_parts(date):
    """(day, month, year) as the date wording prints them (blanks: "")."""
    parts = [int(x) for x in str(date).split("-")]
    day = "%02d" % parts[2] if len(parts) > 2 else ""
    month = (("%02d" if parts[1] <= 2 else "%d") % parts[1]) if len(parts) > 1 else ""
    return day, month, parts[0]


def attached_words(front, tpl):
    """A plan issued with a decision (attached_to, PL III Mẫu 1.3): "(Kèm
    theo Quyết định số 123/QĐ-UBND ngày … của <issuer>)"."""
    at = front["attached_to"]
    num = at.get("number")
    if num is not None and re.fullmatch(r"\d", num):
        num = "0" + num
    day, month, year = date_parts(at["date"])
    words = _words("(Kèm theo %s số %s/%s ngày %s tháng %s năm %d của" % (
        at.get("type", "Quyết định"), num or "", at["code"], day, month, year))
    name = _words(at["issuer"]) if at.get("issuer") else running_name_words(front, tpl)
    name[-1] = _word(name[-1] + ")", name[-1].upcased)
    return words + name


def mark_words(front):
    """The marks of page 1 (spec appendix-esign.md §5), each printed as
    typed (upper case)."""
    words = []
    for key in ("circulation", "secrecy", "urgency"):
        if front.get(key):
            words += _words(front[key])
    return words


def header_words(front, tpl):
    words = []
    for iss, _ in bodies(front):
        words += _words(_lines(iss.get("parent", "")), True) + _words(_lines(iss["name"]), True)
    words += mark_words(front)
    if "attached_to" in front:  # Mẫu 1.3: no Số line, no place-date
        words += _words(tpl["header"]["national_title"]) + _words(tpl["header"]["motto"])
        words += _words(tpl["doc_name"]) + _words(_lines(front["title"]))
        return words + attached_words(front, tpl)
    num = front.get("number")
    if num is not None and re.fullmatch(r"\d", num):
        num = "0" + num
    words += _words("%s%s/%s" % (tpl["header"]["number_label"], num or "", symbol(front, tpl)))
    words += _words(tpl["header"]["national_title"]) + _words(tpl["header"]["motto"])
    parts = str(front["date"]).split("-")
    day = "%02d" % int(parts[2]) if len(parts) > 2 else ""
    month = ""
    if len(parts) > 1:
        month = ("%02d" if int(parts[1]) <= 2 else "%d") % int(parts[1])
    words += _words("%s, ngày %s tháng %s năm %s" % (front["place"], day, month, parts[0]))
    words += _words(tpl["doc_name"]) + _words(_lines(front["title"]))
    # "Kính gửi:" under the title: one addressee on the label's line, ended
    # by "."; several as "- A;" lines under the label, the last ending "."
    t, c = tpl["title"], tpl["closing"]
    adds = front.get("addressees") or []
    if len(adds) == 1:
        words += _words(t["addressee_label"] + " " + adds[0] + c["last_item_end"])
    elif adds:
        words += _words(t["addressee_label"])
        for i, a in enumerate(adds):
            words += _words(c["item_prefix"] + a + (c["item_end"] if i + 1 < len(adds)
                                                     else c["last_item_end"]))
    return words


def closing_words(front, tpl):
    if "attached_to" in front:  # Mẫu 1.3: no Nơi nhận, no signature
        return []
    c = tpl["closing"]
    words = _words(c["label"])
    for r in front["recipients"]:
        words += _words(c["item_prefix"] + r + c["item_end"])
    words += _words(c["item_prefix"] + c["archive_prefix"] + front["archive"] + c["last_item_end"])
    for _, s in bodies(front):
        for item in s.get("chain") or []:
            auth, _, name = item.partition(".")
            words += _words(auth + c["authority_separator"]) + _words(name.strip(), True)
        if s.get("authority"):
            # "KT. GIÁM ĐỐC"; an acting head's "Q." without on_behalf_of
            # goes before the title: "Q. GIÁM ĐỐC"
            words += _words(s["authority"] + c["authority_separator"])
            words += _words(_lines(s.get("on_behalf_of")), True)
        words += _words(_lines(s.get("title")), True) + _words(_lines(s.get("other_title")), True)
        words += _words(_lines(s["name"]))
    return words


FOOTNOTE_DEF = re.compile(r"^( {0,3})\[\^([^\]\s]+)\]:[ \t]?(.*)$")
FOOTNOTE_REFS = re.compile(r"(?<!\\)(?:\[\^[^\]\s]+\])+")
FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\]")
# a line that opens a block of its own: it ends a note's paragraph
HTML_BLOCK = re.compile(r"^\n?( {0,3})<[A-Za-z/!]")
BLOCK_START = re.compile(r"^ {0,3}(?:#|>|[-+*] |\d+[.)] |\||```|~~~)")


def take_notes(body):
    """GFM footnote definitions taken out of the body: (the body without
    them, {label: the note's Markdown}); the first definition of a label
    counts. A definition goes on over indented lines, blank lines before
    an indented one, and lines that continue its paragraph."""
    out, defs, cur = [], {}, None
    for line in body.split("\n"):
        m = FOOTNOTE_DEF.match(line)
        if m:
            cur = m.group(2)
            if cur in defs:
                cur = "\0dup"  # a second definition: dropped like cmark-gfm
            defs[cur] = [m.group(3)]
            continue
        if cur is not None:
            if line.startswith("    ") or line.startswith("\t"):
                defs[cur].append(line[4:] if line.startswith("    ") else line[1:])
                continue
            if not line.strip():
                defs[cur].append("")
                continue
            if defs[cur][-1].strip() and not BLOCK_START.match(line):
                defs[cur].append(line)  # lazy continuation of its paragraph
                continue
            cur = None
        out.append(line)
    defs.pop("\0dup", None)
    return "\n".join(out), {k: "\n".join(v) for k, v in defs.items()}


def number_refs(text, defs, nums, in_note=False):
    """References replaced by their notes' numbers, given in order of
    first reference (nums: label -> number, filled as they come); in a
    note, only numbers the text gives (others print as typed). Markdown is
    not read inside an HTML block: a reference there prints as typed; nor
    after a backslash. A paste indented as code (printed as a paragraph)
    has no definitions of its own: a reference there finds a note only if
    the Markdown outside such pastes refers to it."""
    parts = re.split(r"(\n[ \t]*\n)", text)
    def code(p):
        ls = [l for l in p.split("\n") if l.strip()]
        return bool(ls) and all(l.startswith("    ") or l.startswith("\t") for l in ls)
    outside = {l for p in parts if not HTML_BLOCK.match(p) and not code(p)
               for m in FOOTNOTE_REFS.finditer(p) for l in FOOTNOTE_REF.findall(m.group(0))}
    def sub(p, known):
        def one(m):
            got = []
            for label in FOOTNOTE_REF.findall(m.group(0)):
                if label in defs and label in known and (label in nums or not in_note):
                    nums.setdefault(label, len(nums) + 1)
                    got.append(str(nums[label]))
                else:
                    got.append(None)
            if None in got:
                return m.group(0)
            return ",".join(got)
        return FOOTNOTE_REFS.sub(one, p)
    out = []
    for p in parts:
        if HTML_BLOCK.match(p):
            out.append(p)
        else:
            out.append(sub(p, outside if code(p) and not in_note else defs))
    return "".join(out)


class _HtmlTables(html.parser.HTMLParser):
    """The words of an HTML block that holds a <table>, read with Python's
    own HTML parser (independent of the program's libxml2): cells in row
    order (thead, body, then tfoot), a caption before its table, a list
    item's marker ("-", "1.") before its text, a link's address after its
    text; inline tags do not split words ("m<sup>2</sup>" is one), block
    tags do. The header rows' words (the thead's, else the leading rows of
    <th> only) repeat atop each page."""

    SKIP = {"script", "style", "head", "title"}
    BLOCK = {"br", "p", "div", "li", "ul", "ol", "tr", "td", "th", "table", "thead",
             "tbody", "tfoot", "caption", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text = []    # chunks outside any table
        self.tables = []  # open tables
        self.skip = 0
        self.lists = []   # per open list: [ordered, count]
        self.links = []   # open <a>: (href, destination list, its length then)
        self.bold = 0     # open <b>/<strong> in the current cell

    def _out(self):
        if self.tables:
            t = self.tables[-1]
            if t["in_caption"]:
                return t["caption"]
            if t["in_cell"] and t["rows"] and t["rows"][-1][1]:
                return t["rows"][-1][1][-1][1]
            return t["stray"]
        return self.text

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        t = self.tables[-1] if self.tables else None
        if tag == "table" and not (t and t["in_cell"]):
            self.tables.append({"rows": [], "caption": [], "stray": [], "section": "tbody",
                                "in_cell": False, "in_caption": False, "nested": 0})
        elif tag == "table":
            t["nested"] += 1
        elif t is None or t["nested"]:
            pass
        elif tag in ("thead", "tbody", "tfoot"):
            t["section"] = tag
        elif tag == "tr":
            t["rows"].append((t["section"], []))
        elif tag in ("td", "th"):
            if not t["rows"]:
                t["rows"].append((t["section"], []))
            t["rows"][-1][1].append((tag, []))
            t["in_cell"] = True
            t["plain"] = False  # text outside <b>/<strong> in this cell
            self.bold = 0
        elif tag == "caption":
            t["in_caption"] = True
        if tag in self.BLOCK:
            self._out().append(" ")
        if tag in ("ul", "ol"):
            self.lists.append([tag == "ol", 0])
        elif tag == "li":
            marker = "-"
            if self.lists:
                self.lists[-1][1] += 1
                if self.lists[-1][0]:
                    marker = "%d." % self.lists[-1][1]
            self._out().append(" %s " % marker)
        elif tag in ("b", "strong"):
            self.bold += 1
        elif tag == "a":
            out = self._out()
            self.links.append((dict(attrs).get("href") or "", out, len(out)))

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skip:
            self.skip -= 1
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        if tag in ("b", "strong") and self.bold:
            self.bold -= 1
        if tag == "a" and self.links:
            href, out, n = self.links.pop()
            text = "".join(out[n:]).strip()
            if href and text != href and not (href.startswith("mailto:") and text == href[7:]):
                out.append(" (%s)" % href if text else href)
        if tag in self.BLOCK:
            self._out().append(" ")
        if not self.tables:
            return
        t = self.tables[-1]
        if tag == "table" and t["nested"]:
            t["nested"] -= 1
        elif tag == "table":
            self.tables.pop()
            self._flush(t)
        elif tag in ("td", "th") and not t["nested"]:
            t["in_cell"] = False
            if t["rows"] and t["rows"][-1][1] and t["plain"] and t["rows"][-1][1][-1][0] == "td":
                t["rows"][-1][1][-1] = ("td-plain",) + t["rows"][-1][1][-1][1:]
        elif tag == "caption":
            t["in_caption"] = False
        elif tag in ("thead", "tfoot"):
            t["section"] = "tbody"

    def handle_data(self, data):
        if not self.skip:
            self._out().append(data)
            t = self.tables[-1] if self.tables else None
            if t and t["in_cell"] and not t["nested"] and not self.bold and data.strip(" \t\r\n\f\xa0"):
                t["plain"] = True

    def _flush(self, t):
        rows = t["rows"]
        order = [r for r in rows if r[0] == "thead"] + [r for r in rows if r[0] == "tbody"] + \
                [r for r in rows if r[0] == "tfoot"]
        if any(r[0] == "thead" for r in rows):
            header = sum(r[0] == "thead" for r in rows)
        else:
            header = 0
            for r in order:
                # <th> only, or (Word's "Save as HTML") two or more cells,
                # every one with text wholly bold
                full = [c for c in r[1] if "".join(ch for ch in c[1] if isinstance(ch, str)).strip(" \t\r\n\f\xa0")]
                if r[1] and (all(c[0] == "th" for c in r[1]) or
                             (len(r[1]) >= 2 and full and all(c[0] != "td-plain" for c in full))):
                    header += 1
                else:
                    break
            if header == len(order) and header > 1:
                header = 0
        out = self._out()
        out.append(" ")
        out.extend(t["caption"])
        for i, (_, cells) in enumerate(order):
            for _, chunks in cells:
                ws = _words("".join(chunks))
                for w in ws:
                    w.repeats = i < header
                out.append(" ")
                out.extend(ws)
                out.append(" ")
        out.extend(t["stray"])

    def words(self):
        while self.tables:  # a table the block leaves open
            self._flush(self.tables.pop())
        out, run = [], []
        for c in self.text + [" "]:
            if isinstance(c, Word):
                out += _words("".join(run))
                run = []
                out.append(c)
            else:
                run.append(c)
        return out + _words("".join(run))


# Word's conditional markers around its hand-made list bullets: browsers
# show what they enclose, not the markers
WORD_CONDITIONAL = re.compile(r"<!\[(?:if|endif)\b[^\]]*\]>", re.I)


def html_block_words(content):
    """The words an HTML block prints (tables through _HtmlTables)."""
    content = WORD_CONDITIONAL.sub(" ", content)
    if "<table" not in content.lower():
        # block tags end a word, inline ones do not ("xoá</strike>." and
        # Word's "UBND,<o:p></o:p> Sở" read as a browser reads them)
        def tag(m):
            name = re.match(r"</?([A-Za-z][^\s/>]*)", m.group(0))
            return " " if not name or name.group(1).lower() in _HtmlTables.BLOCK else ""
        return _words(html.unescape(HTML_TAG.sub(tag, HTML_COMMENT.sub(" ", content))))
    p = _HtmlTables()
    p.feed(HTML_COMMENT.sub(" ", content))
    p.close()
    return p.words()


HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
BR_TAG = re.compile(r"<br\s*/?>", re.I)
HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<![A-Z][^<>]*>|<\?.*?\?>", re.S)


def _inline_text(tok):
    """The printed text of an inline token: text, code, link text and,
    when it is not the text, the link's address and title in brackets
    ("Cổng (https://…)": the clerk signs what prints); HTML tags and
    comments print nothing (<br> a break)."""
    out, link = [], None  # link: (href, title, where its text starts)
    for ch in tok.children or []:
        if ch.type in ("text", "code_inline"):
            out.append(ch.content)
        elif ch.type in ("softbreak", "hardbreak") or BR_TAG.match(ch.content if ch.type == "html_inline" else ""):
            out.append(" ")  # <br> is a line break: its text is dropped, not its break
        elif ch.type == "image":
            out.append(_inline_text(ch))
        elif ch.type == "link_open":
            link = (ch.attrs.get("href", ""), ch.attrs.get("title", ""), len(out))
        elif ch.type == "link_close" and link:
            href, title, at = link
            text = "".join(out[at:])
            if href.startswith("mailto:") and text != href:
                href = href[7:]
            shown = [x for x in (href if href != text else "", title) if x]
            if shown:
                out.append((" (" if text else "") + ", ".join(shown) + (")" if text else ""))
            link = None
    return "".join(out)


MAX_NESTING = 100000  # markdown-it drops what is nested deeper (default 20)


def _parse(md, text):
    """md.parse in a thread with a large stack: markdown-it recurses once
    per nesting level, and a plan may nest thousands deep."""
    out = []
    def work():
        sys.setrecursionlimit(1000000)
        try:
            out.append(md.parse(text))
        except BaseException as e:  # re-raised in the caller
            out.append(e)
    threading.stack_size(512 << 20)
    t = threading.Thread(target=work)
    t.start()
    t.join()
    if isinstance(out[0], BaseException):
        raise out[0]
    return out[0]


# "Phụ lục", then the end, a hand number (Roman, Arabic, "số 01", or one
# letter before a separator) or a separator; a space may stand for the
# separator only after a hand number ("Phụ lục hóa …" is no appendix)
APPENDIX = re.compile(r"^phụ lục(?:\s*$|\s*[:.\-\u2013]\s*|"
                      r" +(?:số +)?(?:(?:[ivxlc]+|\d+)(?=$|[ :.\-\u2013])|[a-z](?= *(?:$|[:.\-\u2013])))"
                      r" *(?:[:.\-\u2013] *)?)", re.I)


def body_words(front, body, tpl, numbered=True, appendices=None, nums=None):
    """The body's words with Markdown syntax removed, headings numbered
    from the structure (numbered=False: hand numbers dropped, none added:
    for comparing with an original typed without the structure).
    appendices: a list, to which each "# Phụ lục …" section is appended
    as {"title": …, "words": […]} (its words are not in the result); its
    headings are numbered on their own."""
    formats = [h["format"] for h in tpl["headings"]]
    for i, f in enumerate(front.get("numbering") or []):
        if i < len(formats):
            formats[i] = f
        else:
            formats.append(f)
    # footnotes: the body's references print numbers, the notes print at
    # the page foot ("N text"), each once
    body, defs = take_notes(body)
    # nums: label -> number; shared by the plan and its appendix files, as
    # the program numbers notes on through the whole document
    nums = {} if nums is None else nums
    first = len(nums)
    body = number_refs(body, defs, nums)
    words = _md_words(body, formats, tpl, numbered, appendices=appendices)
    for label, n in sorted(nums.items(), key=lambda kv: kv[1]):
        if n <= first:
            continue  # a note of an earlier file
        words.append(_word(str(n)))
        words += _md_words(number_refs(defs[label], defs, nums, True), formats, tpl,
                           numbered, in_note=True)
    return words


def _md_words(body, formats, tpl, numbered, in_note=False, appendices=None):
    """The words of Markdown text: the body, or a note (in_note: its
    headings are not sections, printed bold and unnumbered); appendices:
    as in body_words."""
    # GitHub's Markdown, as cmark-gfm reads it: tables, ~~strikethrough~~
    # (its words print, the tildes not); cells past a header's count are
    # an error (table-columns), so a rendered plan has none
    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable(["table", "strikethrough"])
    counters = [0] * 9
    words = body_only = []
    lists = []  # (ordered, next number) per open list
    heading = None
    thead = False
    for tok in _parse(md, body):
        t = tok.type
        if t in ("thead_open", "thead_close"):
            thead = t == "thead_open"
        elif t == "inline" and thead:
            for w in _words(_inline_text(tok)):
                w.repeats = True
                words.append(w)
        elif t == "heading_open" and (tok.level > 0 or in_note):
            heading = -1  # inside a list item or quote: printed bold, unnumbered
        elif t == "heading_open":
            heading = int(tok.tag[1])
        elif t == "inline" and heading == -1:
            heading = None
            words += _words(_inline_text(tok))
        elif t == "inline" and heading == 1 and appendices is not None and \
                APPENDIX.match(_inline_text(tok).strip()):
            heading = None
            title = APPENDIX.sub("", _inline_text(tok).strip(), 1)
            appendices.append({"title": title, "words": []})
            words = appendices[-1]["words"]
            counters = [0] * 9
        elif t == "inline" and heading:
            level = heading
            heading = None
            counters[level - 1] += 1
            for k in range(level, len(counters)):
                counters[k] = 0
            text = HAND_NUMBER.sub("", _inline_text(tok).strip() + " ", 1)
            style = tpl["headings"][min(level, len(tpl["headings"])) - 1]
            fmt = formats[level - 1] if level <= len(formats) else ""
            if fmt and numbered:
                words += _words(label(fmt, counters))
            words += _words(text, style.get("upper", False))
        elif t in ("bullet_list_open", "ordered_list_open"):
            lists.append([t == "ordered_list_open", int(tok.attrs.get("start", 1) or 1)])
        elif t in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif t == "list_item_open":
            ordered, n = lists[-1]
            if ordered:
                words.append(_word("%d%s" % (n, tok.markup)))
                lists[-1][1] += 1
            elif tok.markup == "*":
                # no agreed form for '*': any printed bullet counts
                words.append(_word("-", alts=("+", "•", "*")))
            else:  # '-' and '+' print as typed (issue 9)
                words.append(_word(tok.markup))
        elif t == "inline":
            words += _words(_inline_text(tok))
        elif t in ("code_block", "fence"):
            words += _words(tok.content)
        elif t == "html_block":
            words += html_block_words(tok.content)
    return body_only


def expected_words(text, base=None):
    """Every word the plan (its file's text) must print, in source order
    (page numbers aside)."""
    front, body = split_source(text)
    tpl = template(front)
    apps, nums, notes = [], {}, []
    words = header_words(front, tpl) + body_words(front, body, tpl, appendices=apps, nums=nums) + \
        closing_words(front, tpl)
    for rel in front.get("appendices") or []:
        try:
            with open(os.path.join(base or ".", rel), encoding="utf-8") as f:
                # an appendix file is all appendices: what comes back is
                # the notes it defines
                notes += body_words(front, f.read(), tpl, appendices=apps, nums=nums)
        except OSError:
            pass  # the plan does not render (appendix-file)
    return words + sum((appendix_words(front, tpl, a, i, len(apps))
                        for i, a in enumerate(apps)), []) + notes


def appendix_words(front, tpl, app, i, n):
    """An appendix's caption (generated: spec appendix-esign.md §1), then
    its words: "Phụ lục" or "Phụ lục I", "II" … (two or more), the title
    upper case, "(Kèm theo Kế hoạch số 870/KH-SYT ngày … của <issuer>)".
    Without issuer.full_name, the issuer's running name is matched in any
    case against its upper-case one (UBND spelt out)."""
    a = tpl["appendix"]
    words = _words(a["label"] + (" " + roman(i + 1) if n > 1 else ""))
    words += _words(app["title"], True)
    if "attached_to" in front:  # attached to the plan's decision, as the plan
        return words + attached_words(front, tpl) + app["words"]
    number = front.get("number")
    parts = [int(x) for x in str(front["date"]).split("-")]
    sym = "%s/%s" % (("%02d" % int(number)) if number else "", symbol(front, tpl))
    # the date as the header's place-date line gives it (a draft's blanks)
    day = "%02d" % parts[2] if len(parts) > 2 else ""
    month = (("%02d" if parts[1] <= 2 else "%d") % parts[1]) if len(parts) > 1 else ""
    words += _words("(Kèm theo %s số %s ngày %s tháng %s năm %d của" % (
        a["attached_doc"], sym, day, month, parts[0]))
    name_words = running_name_words(front, tpl)
    name_words[-1] = _word(name_words[-1] + ")", name_words[-1].upcased)
    return words + name_words + app["words"]


# ---- the PDF ----

def read_pdf(pdf):
    """Pages as (width, height, lines); a line is a list of words
    (xMin, yMin, xMax, yMax, text), top-left origin, in pdftotext's
    reading order."""
    r = subprocess.run(["pdftotext", "-enc", "UTF-8", "-bbox-layout", pdf, "-"],
                       capture_output=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError("pdftotext failed: " + r.stderr.decode("utf-8", "replace")[:300])
    root = ET.fromstring(re.sub(rb"<!DOCTYPE[^>]*>", b"", r.stdout))
    def tag(e):
        return e.tag.rsplit("}", 1)[-1]
    pages = []
    for page in root.iter():
        if tag(page) != "page":
            continue
        lines = []
        for line in page.iter():
            if tag(line) != "line":
                continue
            lines.append([(float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")),
                           float(w.get("yMax")), w.text or "") for w in line if tag(w) == "word"])
        pages.append((float(page.get("width")), float(page.get("height")), lines))
    return pages


def _join_broken(missing, extra, got):
    """A word broken across lines without a hyphen (a URL, a path, a word
    wider than its box) prints as fragments, each on a later line than the
    one before, in a paragraph or in a table cell (where pdftotext may put
    the next cell's words between them). Matches each missing word with
    such a chain of unexpected fragments, and takes them off both sides."""
    for m in list(missing):
        # an upper-cased heading keeps a link's address as typed
        fold = (lambda x: x.casefold()) if isinstance(m, Word) and m.upcased else (lambda x: x)
        want = fold(m)
        while missing[m] > 0:
            chain = None
            for k, (t, pos) in enumerate(got):
                if extra[t] <= 0 or fold(t) == want or not want.startswith(fold(t)):
                    continue
                s, used, at = fold(t), [k], pos
                while s != want:
                    nxt = [(p, j) for j, (u, p) in enumerate(got)
                           if j not in used and p[:2] > at[:2] and extra[u] > 0 and want.startswith(s + fold(u))]
                    if not nxt:
                        break
                    p, j = min(nxt)
                    s += fold(got[j][0])
                    used.append(j)
                    at = p
                if s == want and not (collections.Counter(got[j][0] for j in used) - extra):
                    chain = used
                    break
            if not chain:
                break
            missing[m] -= 1
            extra -= collections.Counter(got[j][0] for j in chain)
    return +missing, +extra


def _join_adjacent(missing, extra, got):
    """A word with a superscript or subscript in it ("m<sup>2</sup>",
    "Luật[^1]" printed "Luật" and a raised "1") comes from pdftotext as
    words one after the other, each touching the one before (no space
    between): matches each missing word with such a run of unexpected
    words, and takes them off both sides."""
    for m in list(missing):
        k = 0
        while missing[m] > 0 and k < len(got):
            s, j = "", k
            while j < len(got) and extra[got[j][0]] > 0 and m.startswith(s + got[j][0]) \
                    and s != m and got[j][1][0] == got[k][1][0] and \
                    (j == k or abs(got[j][1][2] - got[j - 1][1][3]) < 1.0):
                s += got[j][0]
                j += 1
            run = collections.Counter(t for t, _ in got[k:j])
            if s == m and j - k > 1 and not (run - extra):
                missing[m] -= 1
                extra -= run
                k = j
            else:
                k += 1
    return +missing, +extra


def _match_words(expected, pages):
    """(missing, extra): expected words not printed, printed words not
    expected, after page numbers, repeated table header rows, broken long
    words and case folding."""
    got = []  # (text, (page, line top, x, right x)) in pdftotext's order
    for n, (_, _, lines) in enumerate(pages):
        for line in lines:
            for w in line:
                got.append((w[4], (n, round(w[1], 1), w[0], w[2])))
    want = collections.Counter(expected)
    # page numbers: alone on a page's first line, counting from 2 in each
    # section (the plan, each appendix), none on a section's first page
    for n, (_, _, lines) in enumerate(pages):
        if n and lines and len(lines[0]) == 1 and lines[0][0][4].isdigit() and \
                int(lines[0][0][4]) <= n + 1:
            want[lines[0][0][4]] += 1
    have = collections.Counter(t for t, _ in got)
    missing, extra = want - have, have - want
    # a table's header row is printed again on every page the table reaches
    for w in expected:
        if isinstance(w, Word) and w.repeats and extra[w] > 0:
            extra[w] -= min(extra[w], len(pages) - 1)
    extra = +extra
    if missing:
        missing, extra = _join_adjacent(missing, extra, got)
    if missing:
        missing, extra = _join_broken(missing, extra, got)
    # a repeated header word broken between letters (a table too wide for
    # its page) repeats as fragments
    rep = collections.Counter({w: len(pages) - 1 for w in expected if isinstance(w, Word) and w.repeats})
    if extra and +rep:
        _, extra = _join_broken(+rep, extra, got)
    upper = {w for w in expected if isinstance(w, Word) and w.upcased}
    alts = {w: w.alts for w in expected if isinstance(w, Word) and w.alts}
    for m in list(missing):
        for _ in range(missing[m]):
            forms = [e for e in extra if extra[e] > 0 and
                     (e in alts.get(m, ()) or (m in upper and e.casefold() == m.casefold()))]
            if not forms:
                break
            extra[forms[0]] -= 1
            missing[m] -= 1
    return +missing, +extra


def check_layout(pages):
    """Problems with where words stand: outside the paper less 8 mm, or
    overlapping another word."""
    out = []
    edge = PAPER_MARGIN_MM * MM
    for n, (w, h, lines) in enumerate(pages, start=1):
        words = sorted((x for line in lines for x in line), key=lambda x: x[1])
        for x0, y0, x1, y1, t in words:
            if x0 < edge - 0.01 or y0 < edge - 0.01 or x1 > w - edge + 0.01 or y1 > h - edge + 0.01:
                out.append("page %d: '%s' at (%.1f, %.1f)-(%.1f, %.1f) lies outside the paper less %d mm"
                           % (n, t, x0, y0, x1, y1, PAPER_MARGIN_MM))
        for i, a in enumerate(words):
            for b in words[i + 1:]:
                if b[1] >= a[3] - OVERLAP_EPS:
                    break
                if min(a[2], b[2]) - max(a[0], b[0]) > OVERLAP_EPS and \
                        min(a[3], b[3]) - max(a[1], b[1]) > OVERLAP_EPS:
                    out.append("page %d: '%s' (%.1f, %.1f) overlaps '%s' (%.1f, %.1f)"
                               % (n, a[4], a[0], a[1], b[4], b[0], b[1]))
    return out


def problems(plan, pdf, limit=20):
    """Every way the PDF breaks the promise for the plan, as sentences
    (empty: it holds)."""
    with open(plan, encoding="utf-8") as f:
        expected = expected_words(f.read(), os.path.dirname(plan))
    pages = read_pdf(pdf)
    missing, extra = _match_words(expected, pages)
    out = []
    if missing:
        out.append("%d word(s) of the plan not printed: %s" % (
            sum(missing.values()), " ".join("%s×%d" % kv if kv[1] > 1 else kv[0]
                                           for kv in list(missing.items())[:limit])))
    if extra:
        out.append("%d word(s) printed that the plan does not have: %s" % (
            sum(extra.values()), " ".join("%s×%d" % kv if kv[1] > 1 else kv[0]
                                         for kv in list(extra.items())[:limit])))
    out += check_layout(pages)[:limit]
    return out


def main(argv):
    if len(argv) != 3:
        print("usage: oracle.py PLAN.md PLAN.pdf", file=sys.stderr)
        return 2
    ps = problems(argv[1], argv[2])
    for p in ps:
        print("%s: %s" % (argv[2], p))
    return 1 if ps else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
