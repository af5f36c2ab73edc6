#!/usr/bin/env python3
"""calltree-report.py FORMAT FILE: the call tree report FILE folded, in the
units pf-collapse(1) documents, for FORMAT one of:

  instruments  an Instruments call tree copied as text (Edit > Deep Copy):
               tab-separated, the symbol column indented one blank a level;
               each row's self weight ("Self Weight", or "Self (ms)"; without
               one, its weight less its children's), times in milliseconds,
               cycles and bytes (1024-based, rounded to whole
               bytes) as they are;
  vtune        Intel VTune's CSV call stacks: "Function Stack" indented one
               blank a level, "module`function" frames, CPU Time:Self in
               milliseconds;
  vsprof       Visual Studio's CallTreeSummary.csv: "Level" the depth, the
               first exclusive column (samples, time, percent) the weight.

Prints the folded stacks sorted byte-wise (equal stacks merged, zero weights
left out), then a line "total N".  Written from the reports' layouts with
Python's csv module, independently of pf's readers."""
import csv
import io
import re
import sys
from decimal import Decimal

fmt, path = sys.argv[1], sys.argv[2]
raw = open(path, "rb").read()
if raw.startswith(b"\xff\xfe") or raw.startswith(b"\xfe\xff"):
    text = raw.decode("utf-16")
else:
    text = raw.decode("utf-8", errors="surrogateescape")
text = text.lstrip("\ufeff")
lines = [l.rstrip("\r") for l in text.split("\n")]
out = {}


def add(stack, w):
    if w == 0:
        return
    key = ";".join(f.replace(";", ":") for f in stack)
    out[key] = out.get(key, Decimal(0)) + w


def fmtnum(d):
    s = format(d.normalize(), "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def number(s):
    return Decimal(s.strip().replace(",", ""))


if fmt == "vtune":
    rows = [l for l in lines if l.strip()]
    sep = rows[0][len("Function Stack")]
    reader = csv.reader(rows, delimiter=sep, skipinitialspace=True)
    head = next(reader)
    ci, si = head.index("Function Stack"), head.index("CPU Time:Self")
    mi = head.index("Module") if "Module" in head else None
    stack = []
    for line, rec in zip(rows[1:], reader):
        # The indentation is outside the quotes: count it on the line.
        depth = len(line) - len(line.lstrip(" "))
        func = rec[ci].strip(" ")
        mod = rec[mi] if mi is not None else ""
        del stack[depth:]
        assert len(stack) == depth, "skipped level"
        stack.append(mod + "`" + func if mod else func)
        add(stack, number(rec[si]) * 1000)
elif fmt == "vsprof":
    rows = [l for l in lines if l.strip()]
    reader = csv.reader(rows)
    head = next(reader)
    li, fi = head.index("Level"), head.index("Function Name")
    for col in ("Exclusive Samples", "Elapsed Exclusive Time",
                "Elapsed Exclusive Time %", "Exclusive Samples %",
                "Exclusive Bytes Allocated", "Exclusive Allocations"):
        if col in head:
            wi = head.index(col)
            break
    stack = []
    for rec in reader:
        depth = int(rec[li])
        del stack[depth:]
        assert len(stack) == depth, "skipped level"
        stack.append(rec[fi])
        add(stack, number(rec[wi]))
elif fmt == "instruments":
    units = {"ns": Decimal("0.000001"), "us": Decimal("0.001"),
             "\u00b5s": Decimal("0.001"), "\u03bcs": Decimal("0.001"),
             "ms": 1, "s": 1000, "min": 60000, "h": 3600000,
             "cycles": 1, "cycle": 1, "Kc": 10**3, "Mc": 10**6, "Gc": 10**9,
             "Tc": 10**12, "Bytes": 1, "bytes": 1, "B": 1, "KB": 2**10,
             "MB": 2**20, "GB": 2**30, "TB": 2**40}
    rows = [l for l in lines if l.strip()]
    head = [h.strip() for h in rows[0].split("\t")]
    wi = next(head.index(h) for h in ("Weight", "Running Time", "Bytes Used")
              if h in head)
    si = next((head.index(h) for h in ("Self Weight", "Self (ms)", "Self")
               if h in head), None)
    yi = head.index("Symbol Name") if "Symbol Name" in head else head.index("Symbol Names")

    def val(s):
        s = s.replace("\u2007", " ").replace("\u00a0", " ").strip()
        if s == "-":
            return Decimal(0)
        m = re.match(r"([0-9.,]+) *([A-Za-z\u00b5\u03bc]*)", s)
        v = number(m.group(1)) * Decimal(units[m.group(2)] if m.group(2) else 1)
        if m.group(2) in ("Bytes", "bytes", "B", "KB", "MB", "GB", "TB"):
            v = v.quantize(Decimal(1), rounding="ROUND_HALF_UP")
        return v

    base = None
    stack = []     # [name, weight, children weight]
    def close(depth):
        while len(stack) > depth:
            if si is None:
                name, w, ch = stack[-1]
                add([f[0] for f in stack], max(w - ch, Decimal(0)))
                if len(stack) > 1:
                    stack[-2][2] += w
            stack.pop()
    for line in rows[1:]:
        f = line.split("\t")
        sym = f[yi].rstrip(" ")
        ind = len(sym) - len(sym.lstrip(" "))
        if base is None:
            base = ind
        depth = ind - base
        close(depth)
        assert len(stack) == depth, "skipped level"
        stack.append([sym.strip(" "), val(f[wi]), Decimal(0)])
        if si is not None:
            add([x[0] for x in stack], val(f[si]))
    close(0)
else:
    sys.exit("unknown format " + fmt)

total = Decimal(0)
for k in sorted(out, key=lambda s: s.encode("utf-8", errors="surrogateescape")):
    sys.stdout.buffer.write((k + " " + fmtnum(out[k]) + "\n").encode(
        "utf-8", errors="surrogateescape"))
    total += out[k]
print("total", fmtnum(total))
