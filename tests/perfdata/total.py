#!/usr/bin/env python3
# total.py - the weight a flame graph of a perf.data file must have, read
# without pf and without perf: the sum of the periods (1 for a sample
# without one, or with period 0) of the samples of the event of the
# earliest sample, as pf-collapse and stackcollapse-perf.pl count them.
# Written from tools/perf/Documentation/perf.data-file-format.txt.
#
#   python3 tests/perfdata/total.py FILE      prints "SAMPLES TOTAL"
import struct
import sys

IP, TID, TIME, ADDR, READ, CALLCHAIN, ID, CPU, PERIOD, STREAM_ID = (
    1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
IDENTIFIER = 1 << 16

b = open(sys.argv[1], 'rb').read()
assert b[:8] == b'PERFILE2'
hsize, attr_size, aoff, asize, doff, dsize = struct.unpack_from('<QQQQQQ', b, 8)
attrs = []
ids = {}
for i in range(asize // attr_size):
    a = aoff + i * attr_size
    st = struct.unpack_from('<Q', b, a + 24)[0]
    ioff, isz = struct.unpack_from('<QQ', b, a + attr_size - 16)
    for k in range(isz // 8):
        ids[struct.unpack_from('<Q', b, ioff + 8 * k)[0]] = i
    attrs.append(st)


def sample_attr(off):
    if len(attrs) == 1:
        return 0
    st = attrs[0]
    if st & IDENTIFIER:
        return ids[struct.unpack_from('<Q', b, off + 8)[0]]
    pos = 8 + 8 * sum(1 for f in (IP, TID, TIME, ADDR) if st & f)
    return ids[struct.unpack_from('<Q', b, off + pos)[0]]


samples = []            # (time, attr, period)
off = doff
while off < doff + dsize:
    rtype, misc, size = struct.unpack_from('<IHH', b, off)
    if rtype == 9:
        i = sample_attr(off)
        st = attrs[i]
        pos = off + 8
        fields = {}
        for f in (IDENTIFIER, IP, TID, TIME, ADDR, ID, STREAM_ID, CPU, PERIOD):
            if st & f:
                fields[f] = struct.unpack_from('<Q', b, pos)[0]
                pos += 8
        period = fields.get(PERIOD, 1) or 1
        samples.append((fields.get(TIME, 0), len(samples), i, period))
    off += size
samples.sort()
first = samples[0][2]
mine = [s for s in samples if s[2] == first]
print(len(mine), sum(s[3] for s in mine))
