#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""make-corpus.py - regenerates the seed corpora of tests/fuzz/corpus/ from the real
fixtures in tests/data/ (cut to a few records each), plus a few hand-made edge cases.

Run from anywhere: python3 tests/fuzz/make-corpus.py [PAGETOP]. PAGETOP (default
src/pagetop of the tree) writes the recording seeds with 'pagetop record --from'.
The seeds are checked in; this script only documents and reproduces them."""
import gzip
import lzma
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(TOP, "tests", "data")
OUT = os.path.join(HERE, "corpus")
PAGETOP = sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "src", "pagetop")


def rd(rel):
    p = os.path.join(DATA, rel)
    b = open(p, "rb").read()
    if p.endswith(".xz"):
        b = lzma.decompress(b)
    return b


def records(b):
    """Records of a stack or handle file: split on blank lines, kept with their ending."""
    out, cur = [], []
    for line in b.split(b"\n"):
        if line.strip() == b"":
            if cur:
                out.append(b"\n".join(cur) + b"\n\n")
                cur = []
        else:
            cur.append(line)
    if cur:
        out.append(b"\n".join(cur) + b"\n")
    return out


def cut(b, start, n):
    return b"".join(records(b)[start:start + n])


def lab_cut(b, nstacks, limit):
    """A recording cut to its first nstacks stacks (their counts only) and to about limit
    bytes of whole samples, with the end line that fits."""
    lines = b.split(b"\n")
    out, sample, keep, nsamples, i = [], [], True, 0, 0
    while i < len(lines):
        ln = lines[i]
        if ln.startswith(b"s "):
            sid, nf = int(ln.split()[1]), int(ln.split()[3])
            if sid <= nstacks:
                out.extend(lines[i:i + 1 + nf])
            i += 1 + nf
            continue
        if ln.startswith(b"t "):
            sample = [ln]
        elif ln.startswith(b"c "):
            if int(ln.split()[1]) <= nstacks:
                sample.append(ln)
        elif ln.startswith(b"e "):
            seq = ln.split()[1]
            body = sample + [b"e " + seq + b" " + str(len(sample) - 1).encode()]
            if sum(len(x) + 1 for x in out + body) > limit:
                break
            out.extend(body)
            nsamples += 1
        elif ln and not ln.startswith(b"end"):
            out.append(ln)
        i += 1
    return b"\n".join(out + [b"end " + str(nsamples).encode()]) + b"\n"


def put(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    ss = rd("plain/0030.show_stacks")
    sh = rd("plain/0030.show_stacks_handles")
    hd = rd("plain/0030.show_handles")
    prop = rd("live/proposal.page_owner_stacks")
    po = rd("live/page_owner")
    po_small = rd("small/page_owner.xz")

    # ---- snapshot: each format, pairs, series of samples
    S = "snapshot"
    for i, (start, n) in enumerate([(0, 1), (0, 3), (5, 2), (40, 4), (100, 6)]):
        put(S, "show_stacks.%d" % i, cut(ss, start, n))
    put(S, "show_stacks.tail", b"".join(records(ss)[-3:]))
    put(S, "show_stacks.nonl", cut(ss, 0, 2).rstrip(b"\n"))
    put(S, "show_stacks.crlf", cut(ss, 0, 2).replace(b"\n", b"\r\n"))
    put(S, "show_stacks.trunc", cut(ss, 0, 2)[:-40])
    for i, (start, n) in enumerate([(0, 1), (0, 3), (20, 3)]):
        put(S, "proposal.%d" % i, cut(prop, start, n))
    put(S, "proposal.example", rd("proposal/page_owner_full_stacks.example"))
    put(S, "proposal.example5000", rd("proposal/page_owner_full_stacks_5000.example"))
    put(S, "show_stacks_handles.alone", cut(sh, 0, 3))
    put(S, "show_handles.alone", cut(hd, 0, 4))
    put(S, "stacks_handles.tail", b"".join(records(sh)[-2:]))
    # pairs: the handles of the stacks given, plus one unknown
    shr = records(sh)
    handles = []
    for r in shr[:4] + shr[-2:]:
        for line in r.split(b"\n"):
            if line.startswith(b"handle: "):
                handles.append(line)
    pair = b"".join(shr[:4] + shr[-2:]) + b"--handles--\n" + b"".join(
        h + b"\nnr_base_pages: %d\n\n" % (7 * (i + 1)) for i, h in enumerate(handles))
    put(S, "pair.0", pair)
    put(S, "pair.1", cut(sh, 0, 2) + b"--handles--\n" + cut(hd, 0, 3))
    put(S, "pair.series", pair + b"--sample--\n" + pair.replace(b"nr_base_pages: 7", b"nr_base_pages: 70"))
    series = b"--sample--\n".join(cut(rd("small/%04d.show_stacks.xz" % i), 0, 3) for i in range(4))
    put(S, "series.show_stacks", series)
    put(S, "series.live", b"--sample--\n".join(cut(rd("live/small/%04d.show_stacks" % i), 2, 2) for i in range(3)))
    put(S, "series.proposal", cut(prop, 0, 2) + b"--sample--\n" + cut(prop, 1, 2))
    put(S, "page_owner.2", b"".join(records(po)[:2]))
    # hand-made: special stacks, bare addresses, odd names, frames without the space
    put(S, "special", b" register_dummy_stack+0x23/0x3e\n init_page_owner+0x24/0x237\nnr_base_pages: 3\n\n"
        b" register_failure_stack+0x23/0x3e\n init_page_owner+0x30/0x237\nnr_base_pages: 9\n\n"
        b" 0xffffffffa0001234\n foo.constprop.0+0x0/0x10 [mod_x]\n bar.cold+0x1f/0x2e\nnr_base_pages: 281474976710656\n\n")
    put(S, "nospace", b"prep_new_page+0x17/0x43\nfoo+0x1/0x2 [m]\nnr_base_pages: 1\n\n\n\n")

    # ---- page_owner: the per-block dump, cut to a few blocks; extras lines
    P = "page_owner"
    por = records(po)
    for i, (start, n) in enumerate([(0, 1), (0, 3), (50, 2), (200, 3), (390, 10)]):
        put(P, "live.%d" % i, b"".join(por[start:start + n]))
    pos = records(po_small)
    for i, (start, n) in enumerate([(0, 2), (1000, 3), (len(pos) - 3, 3)]):
        put(P, "small.%d" % i, b"".join(pos[start:start + n]))
    # blocks with every kind of extra line the kernel prints
    extras = [r for r in pos if b"handle:" in r or b"migrated" in r or b"Slab" in r or b"Charged" in r]
    for i, r in enumerate(extras[:6]):
        put(P, "extras.%d" % i, r)
    put(P, "handmade.extras",
        b"Page allocated via order 3, mask 0x152cc0(GFP_USER|__GFP_NOWARN|__GFP_COMP), pid 812, tgid 812 (my (odd) cmd), ts 5123456789 ns\n"
        b"PFN 0x4a000 type Unmovable Block 592 type Unmovable Flags 0x4000000000000040(head|node=0|zone=1)\n"
        b" prep_new_page+0x17/0x43\n get_page_from_freelist+0x695/0x6fa\n brd_submit_bio+0x28d/0x42b [brd]\n"
        b"handle: 42\nPage has been migrated, last migrate reason: compaction\nSlab cache page\n"
        b"Charged to memcg /system.slice\n\n"
        b"Page allocated via order 0, mask 0x0(), pid 1, tgid 1 (init)\nPFN 0x1 type Movable Block 0 type Movable Flags 0x0()\n 0xffffffffa0001234\n")
    put(P, "handmade.old", b"Page allocated via order 1, mask 0x0()\nPFN 0x2\n foo+0x1/0x2\n\n")
    put(P, "trunc", b"".join(por[:2])[:-30])

    # ---- frame: single frame lines, every shape
    F = "frame"
    frames = set()
    for src in (ss, po[:20000]):
        for line in src.split(b"\n"):
            if line.startswith(b" ") and len(frames) < 1000:
                frames.add(line[1:])
    pick = sorted(frames, key=lambda x: (b"[" not in x, len(x)))
    chosen = pick[:6] + pick[-6:] + [f for f in pick if b".cold" in f or b"constprop" in f or b"isra" in f][:6]
    for i, f in enumerate(dict.fromkeys(chosen)):
        put(F, "real.%02d" % i, f)
    for i, f in enumerate([b"0xffffffffa0001234", b"0x0", b"foo+0x0/0x1", b"a.b+0xFFFFFFFFFFFFFFFF/0x1 [m]",
                           b"x+0x1/0x2 [", b"name with space+0x1/0x2", b"+0x1/0x2", b"f+0x1/0x2 [mod] [m2]",
                           b"f/g+0x1/0x2", b"f+g+0x1/0x2", b"f+0x1/0x2 []"]):
        put(F, "edge.%02d" % i, f)

    # ---- stream: plain, gzip, concatenated gzip, xz, over 256 KiB decompressed
    T = "stream"
    put(T, "plain", cut(ss, 0, 3))
    put(T, "gzip", gzip.compress(cut(ss, 0, 4), mtime=0))
    put(T, "gzip.concat", gzip.compress(cut(ss, 0, 2), mtime=0) + gzip.compress(cut(ss, 2, 2), mtime=0))
    put(T, "xz", lzma.compress(cut(ss, 0, 4)))
    put(T, "xz.concat", lzma.compress(cut(prop, 0, 2)) + lzma.compress(cut(prop, 2, 2)))
    put(T, "xz.handles", lzma.compress(cut(hd, 0, 8)))
    put(T, "gzip.page_owner", gzip.compress(b"".join(por[:6]), mtime=0))
    put(T, "gzip.trunc", gzip.compress(cut(ss, 0, 4), mtime=0)[:-20])
    put(T, "xz.trunc", lzma.compress(cut(ss, 0, 4))[:-30])
    big = ss * 3  # 340 KiB: more than the reader's buffer
    put(T, "gzip.big", gzip.compress(big, 9, mtime=0))
    put(T, "xz.big", lzma.compress(big, preset=9))
    put(T, "xz.page_owner.big", lzma.compress(po + po, preset=9))

    # ---- rcfile
    R = "rcfile"
    put(R, "full", b"# pagetop settings\nset sort = score:desc\nset group = caller\nset threshold = 10\n"
        b"set interval = 2\nset columns = pages,delta,rate,label\n"
        b"set alloc-patterns = prep_new_page get_page_from_freelist\n\nbind q quit\nbind ^L redraw\n"
        b"bind F1 help\nbind PgDn page-down\nbind Space pause\n")
    put(R, "bad", b"set sort\nset = x\nbind q\nfrobnicate 1\nset sort = pages # comment\n  \t\nbind a b c\n")
    put(R, "dups", b"set sort = pages\nset sort=bytes\nset group = module\n#set sort = x\nset group   =  stack\nset bad = 1\n")
    put(R, "nonl", b"set threshold = 5")
    put(R, "crlf", b"set sort = delta\r\nbind j down\r\n")

    # ---- recording: written by pagetop record --from, from cut snapshots
    C = "recording"
    tmp = tempfile.mkdtemp()
    try:
        def rec(name, files):
            d = os.path.join(tmp, name)
            os.makedirs(d)
            for fn, data in files.items():
                open(os.path.join(d, fn), "wb").write(data)
            o = os.path.join(tmp, name + ".rec")
            subprocess.run([PAGETOP, "record", "--from", d, "-o", o], check=True,
                           stderr=subprocess.DEVNULL)
            return open(o, "rb").read()

        r1 = rec("ss", {"%04d.show_stacks" % i: cut(rd("small/%04d.show_stacks.xz" % i), 0, 3) for i in range(4)})
        put(C, "show_stacks", r1)
        r2 = rec("pair", {"0000.show_stacks_handles": cut(sh, 0, 3), "0000.show_handles": cut(hd, 0, 3),
                          "0001.show_stacks_handles": cut(sh, 0, 4), "0001.show_handles": cut(hd, 1, 3)})
        put(C, "handles", r2)
        put(C, "proposal", rec("prop", {"a.page_owner_stacks": cut(prop, 0, 2), "b.page_owner_stacks": cut(prop, 1, 3)}))
        put(C, "page_owner", rec("po", {"0.page_owner": b"".join(por[:4]), "1.page_owner": b"".join(por[2:7])}))
        put(C, "live", rec("live", {"%04d.show_stacks" % i: cut(rd("live/small/%04d.show_stacks" % i), i, 3) for i in range(5)}))
        put(C, "torn", r1[:-25])
        put(C, "noend", r1[:r1.rfind(b"end")])
        put(C, "future", r1.replace(b"#pagetop-recording 2", b"#pagetop-recording 4", 1))
        mi = b"MemTotal: 2000000 kB\nMemAvailable: %d kB\nSlab: 4000 kB\nPageTables: 300 kB\n"
        put(C, "meminfo", rec("mi", dict([("%04d.show_stacks" % i, cut(rd("small/%04d.show_stacks.xz" % i), 0, 3)) for i in range(3)] +
                                         [("%04d.meminfo" % i, mi % (1000000 - i)) for i in range(3)])))
        # allocinfo (version 3): a few call sites, one leaving, one with calls only
        ai = rd("allocinfo/0000.allocinfo.xz").split(b"\n")
        put(C, "allocinfo", rec("ai", {"0000.allocinfo": b"\n".join(ai[:2] + ai[60:70]) + b"\n",
                                       "0001.allocinfo": b"\n".join(ai[:2] + ai[61:72]) + b"\n",
                                       "0002.allocinfo": b"\n".join(ai[:2] + ai[2:3] + ai[61:72]) + b"\n"}))
        put(C, "meta", r1.replace(b"\n", b"\nmeta page-size 16384\nmeta hostname fuzz\nmeta future-key x\n# a comment\n", 1))
    finally:
        shutil.rmtree(tmp)

    # ---- model: recordings whose meaning the model must keep (fuzz_model.c): the valid
    # recording seeds, the lab recording cut to its first 40 stacks, and hand-made ones for
    # the groups, handles, times and the largest counts
    M = "model"
    for n in ("show_stacks", "handles", "proposal", "page_owner", "live", "meta"):
        put(M, n, open(os.path.join(OUT, "recording", n), "rb").read())
    put(M, "lab", lab_cut(rd("lab.ptrec.xz"), 40, 60000))
    hdr = b"#pagetop-recording 1\nmeta iface show_stacks\nmeta unit pages\nmeta page-size 4096\n"
    put(M, "groups", hdr +
        b"s 1 0 4\nf prep_new_page+0x17/0x43\nf get_page_from_freelist+0x695/0x6fa\n"
        b"f brd_insert_page+0x2c/0x10d [brd]\nf brd_submit_bio+0x28d/0x42b [brd]\n"
        b"s 2 0 5\nf prep_new_page+0x17/0x43\nf walk+0x1/0x2\nf walk+0x1/0x2\nf walk+0x9/0x20\n"
        b"f ext4_fill_super+0x1/0x2 [ext4]\n"
        b"s 3 0 2\nf prep_new_page+0x17/0x43\nf __alloc_pages_noprof+0x9/0x16\n"
        b"s 4 0 2\nf 0xffffffffc0a01234\nf brd_submit_bio+0x28d/0x42b [brd]\n"
        b"s 5 0 1\nf register_dummy_stack+0x1/0x2\n"
        b"s 6 0 1\nf register_failure_stack+0x1/0x2\n"
        b"s 7 0 0\n"
        b"t 0 100.000000 1\nc 1 4096\nc 2 3\nc 3 1\nc 4 8\nc 5 2\nc 6 1\nc 7 5\ne 0 7\n"
        b"t 1 101.000000 1\nc 1 8192\nc 2 0\nc 4 9\ne 1 3\n"
        b"t 2 102.500000 1\nc 1 12288\nc 2 7\nc 3 0\ne 2 3\n"
        b"t 3 104.000000 1\nc 1 16384\nc 6 0\nc 7 0\ne 3 3\nend 4\n")
    put(M, "handles-only", hdr +
        b"s 1 7 0\ns 2 9 2\nf kmalloc_large+0x1/0x2\nf foo+0x1/0x2 [m]\ns 3 0 1\nf foo+0x1/0x2 [m]\n"
        b"s 4 0 1\nf foo+0x1/0x2 [m]\n"
        b"t 0 1.0 0\nc 1 5\nc 2 6\nc 3 1\nc 4 2\ne 0 4\nt 1 2.0 0\nc 1 0\nc 4 0\ne 1 2\nend 2\n")
    put(M, "times", hdr +
        b"s 1 0 1\nf a+0x1/0x2\ns 2 0 1\nf b+0x1/0x2\n"
        b"t 3 10.000000 1\nc 1 5\ne 3 1\nt 4 9.000000 1\nc 2 5\ne 4 1\nt 9 9.000000 1\nc 1 6\ne 9 1\n"
        b"t 10 1.5 0\nc 2 0\ne 10 1\nt 11 2.000001 0\nc 2 1\ne 11 1\nend 5\n")
    put(M, "huge", hdr +
        b"s 1 0 1\nf a+0x1/0x2 [x]\ns 2 0 1\nf b+0x1/0x2 [x]\ns 3 0 1\nf a+0x1/0x2 [x]\n"
        b"t 0 1.0 1\nc 1 281474976710656\nc 2 281474976710656\nc 3 281474976710656\ne 0 3\n"
        b"t 1 1.000001 1\nc 1 0\nc 2 0\ne 1 2\n"
        b"t 2 1.000002 1\nc 1 281474976710656\nc 3 0\ne 2 2\nend 3\n")

    total = 0
    for root, _, files in os.walk(OUT):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    for t in sorted(os.listdir(OUT)):
        print("%-11s %3d seeds" % (t, len(os.listdir(os.path.join(OUT, t)))))
    print("total %d bytes" % total)


main()
