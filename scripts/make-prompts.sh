#!/bin/sh
# Builds the default English prompt set from prompts/prompts.txt (NAME|TEXT lines) with
# espeak-ng and sox: 8 kHz mono 16-bit WAV, leading and trailing silence trimmed.
# Usage: scripts/make-prompts.sh [PROMPTS_DIR]   (default: prompts)
set -eu
dir="${1:-prompts}"
out="$dir/en"
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
count=0
while IFS='|' read -r name text; do
  case "$name" in ''|'#'*) continue ;; esac
  espeak-ng -v en-us -s 160 -w "$tmp/raw.wav" "$text"
  sox "$tmp/raw.wav" -r 8000 -c 1 -b 16 "$out/$name.wav" \
    silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse pad 0 0.15
  count=$((count + 1))
done < "$dir/prompts.txt"
# The beep before a voicemail recording: 400 ms of 1 kHz.
sox -n -r 8000 -c 1 -b 16 "$out/beep.wav" synth 0.4 sine 1000 vol 0.4
echo "prompts: wrote $((count + 1)) files to $out"
