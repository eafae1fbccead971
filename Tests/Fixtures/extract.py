#!/usr/bin/env python3
"""Recreate Tests/Fixtures/rfc4475/*.sip from rfc4475-archive.b64.

rfc4475-archive.b64 is the base64 block of RFC 4475 Appendix A.1, copied from
the RFC text. This script applies the RFC's own decoding rule (keep the lines
between "-- BEGIN MESSAGE ARCHIVE --" and "-- END MESSAGE ARCHIVE --" that are a
single whitespace-free token), base64-decodes them, gunzips (the gzip CRC32 and
length trailer are verified by Python's gzip reader), untars, and writes each
archive member <name>.dat unchanged as rfc4475/<name>.sip.

Usage:
    python3 extract.py            # (re)write rfc4475/*.sip
    python3 extract.py --check    # verify rfc4475/*.sip and manifest.json sha256 values;
                                  # writes nothing, exits 1 on any difference

Only the Python standard library is used. RFC 5118 fixtures are not produced
here (see README.md for their provenance).
"""
import base64
import hashlib
import io
import json
import re
import sys
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ARCHIVE = HERE / "rfc4475-archive.b64"
OUT = HERE / "rfc4475"
MANIFEST = HERE / "manifest.json"
EXPECTED_MEMBERS = 50


def archive_bytes() -> bytes:
    inside = False
    chunks = []
    for line in ARCHIVE.read_text(encoding="ascii").splitlines():
        if "-- BEGIN MESSAGE ARCHIVE --" in line:
            inside = True
            continue
        if "-- END MESSAGE ARCHIVE --" in line:
            inside = False
            continue
        if inside and re.fullmatch(r"\s*\S+\s*", line):
            chunks.append(line.strip())
    return base64.b64decode("".join(chunks), validate=True)


def members() -> dict:
    tgz = archive_bytes()
    result = {}
    with tarfile.open(fileobj=io.BytesIO(tgz), mode="r:gz") as tar:
        for m in tar.getmembers():
            if not m.isfile():
                continue
            name = Path(m.name).name
            if not name.endswith(".dat") or name != m.name:
                raise SystemExit(f"unexpected archive member {m.name!r}")
            result[name[: -len(".dat")]] = tar.extractfile(m).read()
    if len(result) != EXPECTED_MEMBERS:
        raise SystemExit(f"expected {EXPECTED_MEMBERS} messages, archive holds {len(result)}")
    return result


def main() -> int:
    check = sys.argv[1:] == ["--check"]
    if sys.argv[1:] and not check:
        print(__doc__)
        return 64
    msgs = members()
    bad = 0
    if check:
        for name, data in sorted(msgs.items()):
            path = OUT / f"{name}.sip"
            if not path.exists() or path.read_bytes() != data:
                print(f"DIFFERS: {path.relative_to(HERE)}")
                bad += 1
        extra = sorted(p.name for p in OUT.glob("*.sip") if p.stem not in msgs)
        for e in extra:
            print(f"NOT IN ARCHIVE: rfc4475/{e}")
            bad += 1
        if MANIFEST.exists():
            for entry in json.loads(MANIFEST.read_text(encoding="utf-8")):
                path = HERE / entry["file"]
                digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
                if digest != entry.get("sha256"):
                    print(f"SHA256 MISMATCH: {entry['file']}")
                    bad += 1
        print(f"{len(msgs)} archive messages checked, {bad} problem(s)")
        return 1 if bad else 0
    OUT.mkdir(exist_ok=True)
    for name, data in sorted(msgs.items()):
        (OUT / f"{name}.sip").write_bytes(data)
    print(f"wrote {len(msgs)} files to {OUT.relative_to(HERE)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
