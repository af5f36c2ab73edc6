#!/usr/bin/env python3
"""html-data.py PAGE.html: the data of a page written by pf-html, unpacked
and printed as JSON: the page's own fields on the first line (without the
packed "frames"), then "names", "name" (each frame's name id, in preorder),
"up" (levels between the previous frame and the frame's parent), "self" and,
in a differential profile, "before" (own counts), an array a line.

Written from the format's description in pf-html(1) and lib/render/html.c,
independently of the viewer's decoder: base64, then gzip, then LEB128
numbers.  Exits non-zero with a message when the data is not exactly that
(bytes left over, a count text missing, a name id out of range)."""
import base64
import gzip
import json
import re
import sys

OPEN = '<script type="application/json" id="pf-data">\n'


def fail(msg):
    sys.exit("html-data.py: %s: %s" % (sys.argv[1], msg))


page = open(sys.argv[1], encoding="utf-8").read()
start = page.find(OPEN)
if start < 0:
    fail("no data element")
start += len(OPEN)
end = page.find("\n</script>", start)
data = json.loads(page[start:end])
packed = data.pop("frames", None)
head = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
if packed is None:
    print(head)
    sys.exit(0)
raw = gzip.decompress(base64.b64decode(packed, validate=True))
pos = 0


def uint():
    global pos
    v, shift = 0, 0
    while True:
        if pos >= len(raw):
            fail("the frames end early")
        c = raw[pos]
        pos += 1
        v |= (c & 127) << shift
        shift += 7
        if c < 128:
            return v


nnames = uint()
names = []
for _ in range(nnames):
    z = raw.index(b"\0", pos)
    names.append(raw[pos:z].decode("utf-8"))
    pos = z + 1
n = uint()
cols = {"name": [uint() for _ in range(n)], "up": [uint() for _ in range(n)]}
cols["self"] = [uint() for _ in range(n)]
if data.get("differential"):
    cols["before"] = [uint() for _ in range(n)]
texts = raw[pos:].split(b"\0")
if texts[-1] != b"":
    fail("the last count text has no NUL")
texts = [t.decode("ascii") for t in texts[:-1]]
used = 0
for key in ("self", "before"):
    if key not in cols:
        continue
    out = []
    for v in cols[key]:
        if v % 2 == 0:
            out.append(str(v // 2))
        else:
            k = (v - 1) // 2
            if k >= len(texts) or not re.fullmatch(r"[0-9]+(\.[0-9]+)?", texts[k]):
                fail("count text %d is missing or not a number" % k)
            out.append(texts[k])
            used += 1
    cols[key] = out
if used != len(texts):
    fail("%d count texts for %d odd counts" % (len(texts), used))
if any(k >= nnames for k in cols["name"]):
    fail("a name id is out of range")
print(head[:-1] + ',"names":' + json.dumps(names, ensure_ascii=False, separators=(",", ":")) + ",")
print('"name":[%s],' % ",".join(map(str, cols["name"])))
print('"up":[%s],' % ",".join(map(str, cols["up"])))
last = "before" if "before" in cols else "self"
for key in ("self", "before"):
    if key in cols:
        print('"%s":[%s]%s' % (key, ",".join(cols[key]), "}" if key == last else ","))
