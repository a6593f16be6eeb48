#!/usr/bin/env python3
"""Which tables and indexes the frames of a SQLite write-ahead log belong to (docs/BENCHMARKS.md,
"A ninth machine"):

    scripts/sqlite-wal-pages.py COPY-OF-WAL DATABASE [FIRST-FRAME]

Reads the log's valid frames (those carrying the header's salts) from FIRST-FRAME on, names each
page with SQLite's `dbstat` table over DATABASE (opened read-only; give it the database the log
belongs to, with that log beside it), and prints frames, commits, and frames and distinct pages
for each table or index, most first.
"""
import collections
import sqlite3
import struct
import sys


def frames(wal_path, first):
    wal = open(wal_path, 'rb').read()
    _magic, _version, page_size, _seq, salt1, salt2, _c1, _c2 = struct.unpack('>8I', wal[:32])
    out, offset, index = [], 32, 0
    while offset + 24 + page_size <= len(wal):
        page, commit, s1, s2 = struct.unpack('>4I', wal[offset:offset + 16])
        if (s1, s2) != (salt1, salt2):
            break
        if index >= first:
            out.append((page, commit))
        offset += 24 + page_size
        index += 1
    return out, index


def main():
    wal_path, db_path = sys.argv[1], sys.argv[2]
    first = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    read, total = frames(wal_path, first)
    print(f'frames {len(read)} (of {total} in the log), commits {sum(1 for _, c in read if c)}')
    counts = collections.Counter(page for page, _ in read)
    names = {}
    con = sqlite3.connect(f'file:{db_path}?mode=ro', uri=True)
    for name, page, kind in con.execute('SELECT name, pageno, pagetype FROM dbstat'):
        if page in counts:
            names[page] = name + (' (overflow)' if kind == 'overflow' else '')
    by_name, distinct = collections.Counter(), collections.Counter()
    for page, n in counts.items():
        name = names.get(page, '(not in a b-tree: free or past the end)')
        by_name[name] += n
        distinct[name] += 1
    for name, n in by_name.most_common():
        print(f'{name:45} {n:7} frames {distinct[name]:7} distinct pages')


if __name__ == '__main__':
    main()
