#!/usr/bin/env python3
# mkdata.py - writes small hand-built perf.data files for the golden cases
# of pf-collapse's perf.data reader, from the format's description
# (tools/perf/Documentation/perf.data-file-format.txt in the kernel tree):
#
#   python3 tests/perfdata/mkdata.py KIND OUT
#
# KIND: module      a sample in a kernel module (read through perf script)
#       unknown     a record type no perf knows, after two good samples
#       sampletype  a sample_type bit no perf knows
#       badchain    a call chain longer than its record, after a good sample
#       manymaps    3000 maps at falling addresses, some cut by later maps,
#                   with a sample in each piece
import struct
import sys

SAMPLE_IP, SAMPLE_TID, SAMPLE_TIME, SAMPLE_CALLCHAIN, SAMPLE_PERIOD = 1, 2, 4, 32, 256


def attr(sample_type):
    # struct perf_event_attr (size 128): cpu-clock, sample_id_all
    a = struct.pack('<IIQQQQQ', 1, 128, 0, 1000000, sample_type, 0, 1 << 18)
    return a + b'\0' * (128 - len(a))


def rec(rtype, misc, body):
    return struct.pack('<IHH', rtype, misc, 8 + len(body)) + body


def comm(pid, name, time):
    n = name.encode() + b'\0'
    n += b'\0' * (-len(n) % 8)
    return rec(3, 0, struct.pack('<II', pid, pid) + n + struct.pack('<IIQ', pid, pid, time))


def sample(ip, pid, time, chain=None, misc=2):
    body = struct.pack('<QIIQQ', ip, pid, pid, time, 1000000)
    if chain is not None:
        body = struct.pack('<QIIQ', ip, pid, pid, time) + struct.pack('<Q', 1000000)
        body += struct.pack('<Q', len(chain)) + b''.join(struct.pack('<Q', c) for c in chain)
    return rec(9, misc, body)


def mmap_rec(pid, addr, length, name):
    n = name.encode() + b'\0'
    n += b'\0' * (-len(n) % 8)
    return rec(1, 2, struct.pack('<IIQQQ', pid, pid, addr, length, 0) + n +
               struct.pack('<IIQ', pid, pid, 0))


def event_desc(name):
    n = name.encode() + b'\0'
    n += b'\0' * (-len(n) % 8)
    return (struct.pack('<II', 1, 128) + attr(0) + struct.pack('<I', 1) +
            struct.pack('<I', len(n)) + n + struct.pack('<Q', 1))


def perf_data(sample_type, records):
    a = attr(sample_type)
    ids = struct.pack('<Q', 1)
    head = 104
    attrs_off = head
    attr_size = len(a) + 16
    ids_off = attrs_off + attr_size
    data_off = ids_off + len(ids)
    data = b''.join(records)
    feat = event_desc('cpu-clock')
    feat_table_off = data_off + len(data)
    feat_off = feat_table_off + 16
    header = struct.pack('<8sQQQQQQQQ', b'PERFILE2', head, attr_size, attrs_off, attr_size,
                         data_off, len(data), 0, 0)
    flags = [1 << 12, 0, 0, 0]          # HEADER_EVENT_DESC
    header += struct.pack('<4Q', *flags)
    assert len(header) == 104
    return (header + a + struct.pack('<QQ', ids_off, len(ids)) + ids + data +
            struct.pack('<QQ', feat_off, len(feat)) + feat)


def main():
    kind, out = sys.argv[1], sys.argv[2]
    st = SAMPLE_IP | SAMPLE_TID | SAMPLE_TIME | SAMPLE_PERIOD
    if kind == 'module':
        name = b'/lib/modules/6.1.0/kernel/fs/ext4/ext4.ko\0'
        name += b'\0' * (-len(name) % 8)
        mmap = rec(1, 1, struct.pack('<IIQQQ', 0xffffffff, 0, 0xffffffffc0000000, 0x10000, 0)
                   + name + struct.pack('<IIQ', 0, 0, 0))
        recs = [mmap, comm(5, 'x', 0), sample(0xffffffffc0001000, 5, 10, misc=1)]
    elif kind == 'unknown':
        recs = [comm(5, 'x', 0), sample(0x1000, 5, 10), sample(0x2000, 5, 20),
                rec(60, 0, b'\0' * 8), sample(0x3000, 5, 30)]
    elif kind == 'sampletype':
        st |= 1 << 40
        recs = [comm(5, 'x', 0)]
    elif kind == 'badchain':
        st |= SAMPLE_CALLCHAIN
        good = sample(0x1000, 5, 10, chain=[0x1000, 0x2000])
        bad = bytearray(sample(0x1000, 5, 20, chain=[0x1000]))
        struct.pack_into('<Q', bad, 8 + 32, 1 << 40)
        recs = [comm(5, 'x', 0), good, bytes(bad)]
    elif kind == 'manymaps':
        # lib<i>.so at 0x10000000 + i * 0x2000, 0x1000 long, the last first;
        # then cut.so over the second half of lib<3i> and the first half
        # of lib<3i+1> (and the gap between), for i below 100.
        recs = [comm(5, 'x', 0)]
        base, n = 0x10000000, 3000
        for i in reversed(range(n)):
            recs.append(mmap_rec(5, base + i * 0x2000, 0x1000, '/nonexistent/lib%d.so' % i))
        for i in range(100):
            recs.append(mmap_rec(5, base + 3 * i * 0x2000 + 0x800, 0x2000, '/nonexistent/cut.so'))
        t = 10
        for i in range(n):
            for off in (0x100, 0x900):
                recs.append(sample(base + i * 0x2000 + off, 5, t))
                t += 1
    else:
        sys.exit('unknown kind ' + kind)
    with open(out, 'wb') as f:
        f.write(perf_data(st, recs))


main()
