#!/usr/bin/env bash
# Regenerates Sources/ScaiDial/Voicemail/Assets/default-greeting.wav: the built-in voicemail
# greeting, spoken by espeak-ng and followed by a tone, 8 kHz 16-bit mono (compiled into the
# binary with SwiftPM's embedInCode: one binary, nothing to ship beside it). Needs espeak-ng and sox (Debian packages).
set -euo pipefail
cd "$(dirname "$0")/.."
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
espeak-ng -v en-us -s 150 -w "$T/voice.wav" "The person you are calling is not available. Please leave a message after the tone."
sox "$T/voice.wav" -r 8000 -c 1 -b 16 "$T/voice8.wav"
sox -n -r 8000 -c 1 -b 16 "$T/pause.wav" trim 0 0.3
sox -n -r 8000 -c 1 -b 16 "$T/tone.wav" synth 0.4 sine 1000 vol 0.5
sox "$T/voice8.wav" "$T/pause.wav" "$T/tone.wav" "$T/greeting.wav"
cp "$T/greeting.wav" Sources/ScaiDial/Voicemail/Assets/default-greeting.wav
