#!/usr/bin/env python3
"""journal_reseal.py — a test helper (not a test): edits one event of a socm journal
and gives the line a correct CRC-32C again, as someone who knows the format would.

    journal_reseal.py JOURNAL LINE KEY JSON_VALUE

sets KEY of the event on line LINE (1-based) to JSON_VALUE. A journal without
checksums (older socm) is edited without adding one."""
import json
import sys


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def main() -> None:
    path, line, key, value = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    with open(path, "rb") as f:
        lines = f.read().split(b"\n")
    ev = json.loads(lines[line - 1])
    sealed = "crc" in ev
    ev.pop("crc", None)
    ev[key] = json.loads(value)
    text = json.dumps(ev, separators=(",", ":")).encode()
    if sealed:
        body = text[:-1]
        text = body + b',"crc":"%08x"}' % crc32c(body)
    lines[line - 1] = text
    with open(path, "wb") as f:
        f.write(b"\n".join(lines))


main()
