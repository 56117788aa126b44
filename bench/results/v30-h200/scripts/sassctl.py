#!/usr/bin/env python3
"""Experiment: rewrite control bits of the k-block loop's FFMA/FADD in a cubin.

usage: sassctl.py CUOBJDUMP IN.cubin OUT.cubin MODE KERNEL...
MODE: allyield | noyield | reuse
"""
import re, struct, subprocess, sys

cuobj, src, dst, mode = sys.argv[1:5]
kernels = sys.argv[5:]
data = bytearray(open(src, 'rb').read())

# ELF64 section headers -> name -> file offset
shoff = struct.unpack_from('<Q', data, 0x28)[0]
shentsize, shnum, shstrndx = struct.unpack_from('<HHH', data, 0x3A)
def sh(i):
    return struct.unpack_from('<IIQQQQIIQQ', data, shoff + i * shentsize)
strtab_off = sh(shstrndx)[4]
def name_at(o):
    e = data.index(b'\0', strtab_off + o)
    return data[strtab_off + o:e].decode()
sections = {name_at(sh(i)[0]): sh(i)[4] for i in range(shnum)}

line_re = re.compile(r'/\*([0-9a-f]{4,})\*/\s+(.*?)\s*;?\s*/\* (0x[0-9a-f]{16}) \*/')
hi_re = re.compile(r'^\s+/\* (0x[0-9a-f]{16}) \*/\s*$')
YIELD_BIT = 1 << 45          # 1 = no yield (ptxas sets it where it keeps a reuse)
REUSE_MASK = 0xF << 58
total = 0
for k in kernels:
    out = subprocess.run([cuobj, '-sass', '-fun', k, src], capture_output=True,
                         text=True, check=True).stdout.splitlines()
    ins = []
    for i, l in enumerate(out):
        m = line_re.search(l)
        if m:
            h = hi_re.match(out[i + 1])
            ins.append((int(m.group(1), 16), m.group(2), int(m.group(3), 16), int(h.group(1), 16)))
    base = sections['.text.' + k]
    # loop region: first WARPGROUP.DEPBAR .. first backward BRA after it
    start = next(i for i, x in enumerate(ins) if x[1].startswith('WARPGROUP.DEPBAR'))
    end = start
    while True:
        m = re.search(r'BRA (0x[0-9a-f]+)', ins[end][1])
        if m and int(m.group(1), 16) < ins[end][0]:
            break
        end += 1
    op = lambda x: x[1].split()[0]
    n = 0
    for i in range(start, end):
        a, text, lo, hi = ins[i]
        if op(ins[i]) not in ('FFMA', 'FADD'):
            continue
        new = hi
        if mode == 'allyield':
            new = hi & ~YIELD_BIT & ~REUSE_MASK
        elif mode == 'noyield':
            new = hi | YIELD_BIT
        elif mode == 'reuse':
            new = (hi | YIELD_BIT) & ~REUSE_MASK
            nxt = ins[i + 1]
            if op(nxt) == op(ins[i]) and ((nxt[2] >> 24) & 0xFF) == ((lo >> 24) & 0xFF):
                new |= 1 << 58
        if new != hi:
            struct.pack_into('<Q', data, base + a + 8, new)
            n += 1
        assert struct.unpack_from('<Q', data, base + a)[0] == lo
    print(f'{k}: loop 0x{ins[start][0]:x}-0x{ins[end][0]:x}, {n} instructions changed')
    total += n
open(dst, 'wb').write(data)
