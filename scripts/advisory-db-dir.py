#!/usr/bin/env python3
"""Prints the directory name cargo-deny gives an advisory database URL inside its db-path:
`<last path segment>-<XXH64(url lower-cased, seed 0xca80de71) as 16 hex digits>` (cargo-deny
0.20, src/advisories/helpers/db.rs: url_to_db_path). scripts/deny.sh puts the repository's copy
of the RustSec database there, so that cargo deny reads it without fetching."""
import sys

P1, P2, P3, P4, P5 = (0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                      0x85EBCA77C2B2AE63, 0x27D4EB2F165667C5)
M = (1 << 64) - 1


def rotl(x, r):
    return ((x << r) | (x >> (64 - r))) & M


def rnd(acc, lane):
    acc = (acc + lane * P2) & M
    return (rotl(acc, 31) * P1) & M


def merge(acc, v):
    acc ^= rnd(0, v)
    return (acc * P1 + P4) & M


def xxh64(data: bytes, seed: int) -> int:
    n, i = len(data), 0
    if n >= 32:
        v = [(seed + P1 + P2) & M, (seed + P2) & M, seed & M, (seed - P1) & M]
        while i + 32 <= n:
            for k in range(4):
                v[k] = rnd(v[k], int.from_bytes(data[i + 8 * k:i + 8 * k + 8], "little"))
            i += 32
        h = (rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18)) & M
        for k in range(4):
            h = merge(h, v[k])
    else:
        h = (seed + P5) & M
    h = (h + n) & M
    while i + 8 <= n:
        h ^= rnd(0, int.from_bytes(data[i:i + 8], "little"))
        h = (rotl(h, 27) * P1 + P4) & M
        i += 8
    if i + 4 <= n:
        h ^= (int.from_bytes(data[i:i + 4], "little") * P1) & M
        h = (rotl(h, 23) * P2 + P3) & M
        i += 4
    while i < n:
        h ^= (data[i] * P5) & M
        h = (rotl(h, 11) * P1) & M
        i += 1
    h ^= h >> 33
    h = (h * P2) & M
    h ^= h >> 29
    h = (h * P3) & M
    h ^= h >> 32
    return h


assert xxh64(b"", 0) == 0xEF46DB3751D8E999
assert xxh64(b"abc", 0) == 0x44BC2CF5AD770999
url = sys.argv[1].lower()
name = url.rstrip("/").rsplit("/", 1)[-1] or "empty_"
print(f"{name}-{xxh64(url.encode(), 0xCA80DE71):016x}")
