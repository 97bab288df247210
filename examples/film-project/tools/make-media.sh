#!/usr/bin/env bash
# make-media.sh — recreates every media file of the "Lighthouse" example.
#
#   tools/make-media.sh            # writes dx/ sfx/ foley/ music/ amb/ in the project folder
#   tools/make-media.sh OUTDIR     # writes the same tree under OUTDIR (e.g. to diff against the committed files)
#
# Needs (only to make media — never at build or test time):
#   espeak-ng (tested with 1.51), sox (tested with 14.4.2), node >= 20.
#   On Debian/Ubuntu: apt-get install -y espeak-ng sox
#
# What it does
#   1. Dialogue: each line is spoken by espeak-ng (two voices, see CAST below),
#      then sox converts it to 48 kHz mono 16-bit, high-passes it, trims the
#      silence at both ends, sets its RMS to -21 dBFS (peak at most -3 dBFS)
#      and leaves a little head and tail room for fades.
#   2. One line, dx/sc1_l03_loc.wav, is the "location sound" take: the same clean
#      speech with 50 Hz mains hum (plus harmonics) and hiss mixed in, and 0.3 s
#      of that room tone before and after the words, so a restoration pass has
#      a noise-only stretch to learn from. dx/sc1_l03_clean.wav is NOT kept; the
#      loc take is the only version of the line, as on a real shoot.
#   3. Effects, foley, music and ambience are synthesized by make-media.mjs (a
#      seeded PRNG per file; see the comment at its top for why not `sox synth`).
#
# Determinism: two runs give byte-identical files (same tool versions).
#   - sox runs with -D (no dither) everywhere and -R (repeatable seed) where it
#     makes noise; espeak-ng has no randomness.
#   - make-media.mjs uses no Math.random, no clock, no dither.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:-$HERE/..}"
OUT="$(mkdir -p "$OUT" && cd "$OUT" && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT/dx"

# ------------------------------------------------------------------- CAST
# ELIAS  — the keeper, old, slow, low:   espeak-ng Scottish English, male variant 3
# NORA   — the visitor, young, quicker:  espeak-ng US English, female variant 3
ELIAS=(-v en-gb-scotland+m3 -s 150 -p 28)
NORA=(-v en-us+f3 -s 175 -p 62)

# say ID VOICE TEXT — record one clean line into $TMP/ID.wav (48 kHz mono 16-bit)
say() {
  local id="$1" voice="$2" text="$3"
  local -n v="$voice"
  espeak-ng "${v[@]}" -w "$TMP/$id.raw.wav" "$text"
  # -D: no dither; -G: guard against clipping inside the chain. Float
  # intermediate. highpass: rumble off. silence x2 with reverse: trim both ends.
  sox -D -G "$TMP/$id.raw.wav" -r 48000 -e floating-point -b 32 -c 1 "$TMP/$id.trim.wav" \
    highpass 90 \
    silence 1 0.01 0.3% reverse silence 1 0.01 0.3% reverse
  # Level: RMS to -21 dBFS (production dialogue level), peak never above -3 dBFS.
  local g
  g="$(sox "$TMP/$id.trim.wav" -n stat 2>&1 | LC_ALL=C awk '
    /^Maximum amplitude/ { pk = $3 }
    /^RMS +amplitude/    { rms = $3 }
    END { a = -21 - 20 * log(rms) / log(10); b = -3 - 20 * log(pk) / log(10);
          printf "%.2f", (a < b ? a : b) }')"
  # pad: 80 ms head, 150 ms tail of digital silence for the editor's fades.
  sox -D "$TMP/$id.trim.wav" -b 16 -e signed-integer "$TMP/$id.wav" gain "$g" pad 0.08 0.15
}

# ------------------------------------------------------------ SCENE 1 DX
#   id        voice  line
say sc1_l01   ELIAS  "Shut the door, quick!"
say sc1_l02   NORA   "Sorry. I saw your light from the road."
say sc1_l03   NORA   "Is there a telephone? I have to call the harbour."
say sc1_l04   ELIAS  "Line's been down since Tuesday."
say sc1_l05   NORA   "Then how do you talk to anyone?"
say sc1_l06   ELIAS  "The lamp talks for me. And the horn."
say sc1_l07   NORA   "There's a boat out there. Past the rocks."
say sc1_l08   ELIAS  "Come up, then. Mind the stairs."
say sc1_l09   NORA   "I can't see it any more."
say sc1_l10   ELIAS  "Count the seconds after each flash."
say sc1_l11   NORA   "There! A green light, to the north."
say sc1_l12   ELIAS  "She's turning. She heard us."

for id in sc1_l01 sc1_l02 sc1_l04 sc1_l05 sc1_l06 sc1_l07 sc1_l08 sc1_l09 sc1_l10 sc1_l11 sc1_l12; do
  cp "$TMP/$id.wav" "$OUT/dx/$id.wav"
done

# ------------------------------------------- the location-sound take (l03)
# Line 3 was "recorded next to the lamp-room generator": 300 ms of room tone,
# the line, 300 ms of room tone — all of it under mains hum and hiss.
sox -D "$TMP/sc1_l03.wav" "$TMP/l03_padded.wav" pad 0.3 0.3
DUR="$(soxi -D "$TMP/l03_padded.wav")"
# Hum: 50 Hz fundamental (~ -32 dBFS) and the odd-heavy harmonic series a
# generator and an unbalanced cable give you (100, 150, 200, 250, 350 Hz).
sox -D -n -r 48000 -b 16 -c 6 "$TMP/hum6.wav" synth "$DUR" \
  sine 50 sine 100 sine 150 sine 200 sine 250 sine 350
sox -D "$TMP/hum6.wav" -c 1 "$TMP/hum.wav" \
  remix 1v0.025,2v0.012,3v0.016,4v0.005,5v0.007,6v0.003
# Hiss: pink noise, high-passed, about -50 dBFS RMS. -R: repeatable seed.
sox -R -D -n -r 48000 -b 16 -c 1 "$TMP/hiss.wav" synth "$DUR" pinknoise \
  highpass 1500 vol 0.012
sox -R -D -m -v 1 "$TMP/l03_padded.wav" -v 1 "$TMP/hum.wav" -v 1 "$TMP/hiss.wav" \
  -r 48000 -b 16 -c 1 "$OUT/dx/sc1_l03_loc.wav"

# ------------------------------------- effects, foley, music, ambience
node "$HERE/make-media.mjs" "$OUT"

echo "done: $OUT"
