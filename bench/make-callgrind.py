#!/usr/bin/env python3
"""make-callgrind.py SRC MB OUT: a callgrind file of about MB MiB made of
copies of the real recording SRC (gzip or not), each copy's functions
renamed NAME#K and its compressed ids moved past the previous copy's, so
that every copy is a call graph of its own with the recording's shape;
its totals: line is the copies' sum.  Prints the number of copies."""
import gzip
import re
import sys

src, mb, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
data = open(src, "rb").read()
if data[:2] == b"\x1f\x8b":
    data = gzip.decompress(data)
text = data.decode("utf-8", "surrogateescape")
lines = text.split("\n")
head, body, total = [], [], None
for ln in lines:
    if ln.startswith("totals:"):
        total = int(ln.split()[1])
    elif ln.startswith("summary:"):
        continue
    elif not body and not re.match(r"^(ob|fl|fn)=", ln):
        head.append(ln)
    else:
        body.append(ln)
body = "\n".join(body)
span = 1 + max(int(x) for x in re.findall(r"\((\d+)\)", body))
copies = max(1, int(mb * 1048576 / len(body)))
ident = re.compile(r"\((\d+)\)")
name = re.compile(r"^(c?fn=\(\d+\) )(.*)$", re.M)
with open(out, "w", encoding="utf-8", errors="surrogateescape") as f:
    f.write("\n".join(head) + "\n")
    for k in range(copies):
        b = ident.sub(lambda m: "(%d)" % (int(m.group(1)) + k * span), body)
        b = name.sub(lambda m: "%s%s#%d" % (m.group(1), m.group(2), k), b)
        f.write(b + "\n")
    f.write("totals: %d\n" % (total * copies))
print(copies, total)
