#!/usr/bin/env python3
"""make-calltree.py FORMAT SRC MB OUT: a call tree report of about MB MiB
made of copies of the real report SRC, each copy's root rows renamed
"NAME #i" so that every copy is a tree of its own (FORMAT: instruments,
vtune or vsprof).  Prints the number of copies; the expected total is
that many times SRC's total."""
import re
import sys

fmt, src, mb, out = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
raw = open(src, "rb").read()
bom = raw.startswith(b"\xef\xbb\xbf")
text = raw[3:] if bom else raw
lines = text.split(b"\n")
head, rows = lines[0], [l for l in lines[1:] if l.strip()]
eol = b"\r\n" if head.endswith(b"\r") else b"\n"
head = head.rstrip(b"\r")
rows = [r.rstrip(b"\r") for r in rows]
size = sum(len(r) + len(eol) + 8 for r in rows)
copies = max(1, int(mb * 1048576 / size))

if fmt == "instruments":
    sym = [h.strip() for h in head.split(b"\t")].index(
        b"Symbol Names" if b"Symbol Names" in head else b"Symbol Name")
    base = min(len(r.split(b"\t")[sym]) - len(r.split(b"\t")[sym].lstrip(b" "))
               for r in rows)

    def rename(r, i):
        f = r.split(b"\t")
        s = f[sym]
        if len(s) - len(s.lstrip(b" ")) == base:
            f[sym] = s + b" #%d" % i
        return b"\t".join(f)
elif fmt == "vtune":
    def rename(r, i):
        if r.startswith(b" "):
            return r
        name, rest = r.split(b",", 1)
        return name + b" #%d," % i + rest
elif fmt == "vsprof":
    def rename(r, i):
        return re.sub(rb'^0,"([^"]*)"', lambda m: b'0,"' + m.group(1) + b' #%d"' % i, r)
else:
    sys.exit("unknown format " + fmt)

with open(out, "wb") as f:
    if bom:
        f.write(b"\xef\xbb\xbf")
    f.write(head + eol)
    for i in range(copies):
        f.write(b"".join(rename(r, i) + eol for r in rows))
print(copies)
