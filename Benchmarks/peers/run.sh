#!/usr/bin/env bash
# Benchmarks/peers/run.sh [DIR]
#
# Compares the per-message parse cost of Switchboard's Swift parser with the C SIP
# parsers of two peers, Sofia-SIP and oSIP2, on the same corpus, in the same run:
# the three benchmarks are run interleaved (switchboard, sofia, osip) for several
# passes, and the summary gives the median ns/msg of each over the passes and the
# median over the passes of the per-pass ratio switchboard ns / peer ns.
#
#   DIR               directory of SIP messages, one per file (default: the built-in
#                     9-message corpus, written by `switchboard bench parse --write-corpus`)
#   SWITCHBOARD_BIN   Swift benchmark binary (default: <repo>/.build/release/switchboard)
#   PASSES            interleaved passes (default 5)
#   BENCH_SECONDS     CPU seconds per benchmark run (default 3)
#   ROUNDS            timed rounds per run; each run reports its median round (default 9)
#
# Needs libsofia-sip-ua-dev and libosip2-dev; installs them with apt-get if missing
# (as root). The C programs are built in a temporary directory, nothing is written
# to the repository.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
SWITCHBOARD_BIN="${SWITCHBOARD_BIN:-$repo/.build/release/switchboard}"
PASSES="${PASSES:-5}"
BENCH_SECONDS="${BENCH_SECONDS:-3}"
ROUNDS="${ROUNDS:-9}"
dir="${1:-}"

[ -x "$SWITCHBOARD_BIN" ] || { echo "no Swift benchmark binary at $SWITCHBOARD_BIN (set SWITCHBOARD_BIN)" >&2; exit 1; }

# 1. Libraries.
missing=()
for pkg in libsofia-sip-ua-dev libosip2-dev; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" -eq 0 ] || { echo "please install: ${missing[*]} (needs root)" >&2; exit 1; }
    echo "installing ${missing[*]}"
    apt-get install -y "${missing[@]}" >/dev/null || { apt-get update >/dev/null && apt-get install -y "${missing[@]}" >/dev/null; }
fi

# 2. Build, in a temporary directory.
work="$(mktemp -d /tmp/switchboard-peers.XXXXXX)"
trap 'rm -rf "$work"' EXIT
cc -O2 -Wall -o "$work/sofia_parse" "$here/sofia_parse.c" $(pkg-config --cflags --libs sofia-sip-ua)
cc -O2 -Wall -o "$work/osip_parse" "$here/osip_parse.c" $(pkg-config --cflags --libs libosip2)

# 3. Corpus.
if [ -z "$dir" ]; then
    dir="$work/corpus"
    "$SWITCHBOARD_BIN" bench parse --write-corpus "$dir"
fi

echo "switchboard: $SWITCHBOARD_BIN"
echo "sofia-sip:   $(dpkg-query -W -f='${Version}' libsofia-sip-ua-dev)   (cc $(cc -dumpversion) -O2)"
echo "osip2:       $(dpkg-query -W -f='${Version}' libosip2-dev)"
echo "corpus:      $dir"
echo "runs:        $PASSES passes x (switchboard, sofia, osip), --seconds $BENCH_SECONDS --rounds $ROUNDS each"
echo "machine:     $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r)"
echo

# 4. Check that both C parsers decode every message, to the same values, and that
#    those are the values in the files (first Via branch, From/To tag, Call-ID, CSeq).
#    (--describe prints one line per decoded message; failures go to stderr, and oSIP
#    also logs its own errors on stdout, hence the filter.)
decoded='^[^ ]+: (request|status) '
"$work/sofia_parse" "$dir" --describe | sed 's/^sofia: //' | grep -E "$decoded" > "$work/sofia.txt" || true
"$work/osip_parse" "$dir" --describe | sed 's/^osip: //' | grep -E "$decoded" > "$work/osip.txt" || true
cat "$work/sofia.txt"
if diff "$work/sofia.txt" "$work/osip.txt" > "$work/diff.txt"; then
    echo "check: sofia and osip decode identical values"
else
    echo "check: sofia and osip DIFFER:"; cat "$work/diff.txt"
fi
failed=0
for f in "$dir"/*; do
    [ -f "$f" ] || continue
    name="$(basename "$f")"
    # The values as written in the file (long header names; first Via), each as the
    # exact text the --describe line must contain.
    tr -d '\r' < "$f" | awk '
        /^$/ { exit }
        function param(line, p) {
            gsub(/[ \t]*;[ \t]*/, ";", line)
            return match(line, ";" p "=[^;, \t]+") ? substr(line, RSTART + length(p) + 2, RLENGTH - length(p) - 2) : "-"
        }
        tolower($1) == "via:" && !seen { seen = 1; print " branch=" param($0, "branch") " |" }
        tolower($1) == "from:" { print " tag=" param($0, "tag") " | to " }
        tolower($1) == "to:" { print "| to tag=" param($0, "tag") " |" }
        tolower($1) == "call-id:" { print "| call-id " $2 " |" }
        tolower($1) == "cseq:" { print "| cseq " $2 " " $3 " |" }' > "$work/expected.txt"
    for lib in sofia osip; do
        line="$(grep -F "$name: " "$work/$lib.txt" || true)"
        if [ -z "$line" ]; then
            echo "check: $lib: $name: not decoded (see the reason above)"
            failed=1
            continue
        fi
        while IFS= read -r want; do
            if ! grep -qF -- "$want" <<< "$line"; then
                echo "check: $lib: $name: expected '$want' in: $line"
                failed=1
            fi
        done < "$work/expected.txt"
    done
done
[ $failed -eq 0 ] && echo "check: Via branch, From/To tags, Call-ID and CSeq match the files for both"
echo

# 5. Interleaved runs.
results="$work/results.txt"   # lines: pass parser median-ns corpus-size best-round-ns
: > "$results"
run() { # pass parser command...
    local pass="$1" parser="$2"; shift 2
    echo "--- pass $pass: $parser"
    "$@" --seconds "$BENCH_SECONDS" --rounds "$ROUNDS" 2>&1 | tee "$work/out.txt"
    local ns size best
    ns="$(tail -n 1 "$work/out.txt" | sed -n 's/^parse: .*, \([0-9.]*\) ns\/msg$/\1/p')"
    size="$(sed -n 's/^corpus: \([0-9]*\) messages.*/\1/p' "$work/out.txt")"
    best="$(sed -n 's/^round .* \([0-9.]*\) ns\/msg .*/\1/p' "$work/out.txt" | sort -n | head -n 1)"
    [ -n "$ns" ] || { echo "no result line from $parser" >&2; exit 1; }
    echo "$pass $parser $ns $size $best" >> "$results"
}
for pass in $(seq 1 "$PASSES"); do
    run "$pass" switchboard "$SWITCHBOARD_BIN" bench parse "$dir"
    run "$pass" sofia "$work/sofia_parse" "$dir"
    run "$pass" osip "$work/osip_parse" "$dir"
done

# 6. Summary.
echo
echo "=== summary: $PASSES passes, --seconds $BENCH_SECONDS --rounds $ROUNDS, corpus $dir"
awk -v passes="$PASSES" '
    function median(a, n,   i, j, t) {
        for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    { ns[$2, $1] = $3; size[$2] = $4; if (!($2 in best) || $5 < best[$2]) best[$2] = $5 }
    END {
        if (size["switchboard"] != size["sofia"] || size["switchboard"] != size["osip"])
            printf "WARNING: the parsers kept different numbers of messages: switchboard %s, sofia %s, osip %s\n\n", size["switchboard"], size["sofia"], size["osip"]
        split("switchboard sofia osip", names, " ")
        printf "%-12s %10s %10s %10s   %s\n", "parser", "median", "min", "max", "ns/msg per pass"
        for (k = 1; k <= 3; k++) {
            p = names[k]; list = ""
            for (i = 1; i <= passes; i++) { v[i] = ns[p, i]; list = list sprintf(" %.0f", v[i]) }
            lo = v[1]; hi = v[1]; for (i = 2; i <= passes; i++) { if (v[i] < lo) lo = v[i]; if (v[i] > hi) hi = v[i] }
            printf "%-12s %10.0f %10.0f %10.0f  %s\n", p, median(v, passes), lo, hi, list
        }
        printf "\n%-22s %8s %8s %8s   %s\n", "ratio (per pass)", "median", "min", "max", "per pass"
        for (k = 2; k <= 3; k++) {
            p = names[k]; list = ""
            for (i = 1; i <= passes; i++) { r[i] = ns["switchboard", i] / ns[p, i]; list = list sprintf(" %.2f", r[i]) }
            lo = r[1]; hi = r[1]; for (i = 2; i <= passes; i++) { if (r[i] < lo) lo = r[i]; if (r[i] > hi) hi = r[i] }
            printf "%-22s %8.2f %8.2f %8.2f  %s\n", "switchboard / " p, median(r, passes), lo, hi, list
        }
        for (k = 2; k <= 3; k++) {
            p = names[k]; list = ""
            for (i = 1; i <= passes; i++) { r[i] = ns[p, i] / ns["switchboard", i]; list = list sprintf(" %.2f", r[i]) }
            lo = r[1]; hi = r[1]; for (i = 2; i <= passes; i++) { if (r[i] < lo) lo = r[i]; if (r[i] > hi) hi = r[i] }
            printf "%-22s %8.2f %8.2f %8.2f  %s\n", p " / switchboard", median(r, passes), lo, hi, list
        }
        print "(ns ratio: below 1 means Switchboard takes less CPU per message than the peer)"
        printf "\nbest single round over all passes (least disturbed): switchboard %.0f, sofia %.0f, osip %.0f ns/msg;", best["switchboard"], best["sofia"], best["osip"]
        printf " switchboard / sofia %.2f, switchboard / osip %.2f\n", best["switchboard"] / best["sofia"], best["switchboard"] / best["osip"]
    }' "$results"
