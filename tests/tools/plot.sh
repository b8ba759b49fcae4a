#!/usr/bin/env bash
# `ctformer plot`: the pictures it promises are there, are PNGs, and are not blank; a layer that
# changes the stream changes its picture.
# usage: plot.sh CTFORMER PNG_CHECK WORKDIR
set -euo pipefail
ctformer=$1 png_check=$2 work=$3
rm -rf "$work"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

out=$("$ctformer" plot 0999+0111= -o "$work/d4")
echo "$out"
[ "$(find "$work/d4" -name '*.png' | wc -l)" -eq 147 ] || fail "expected 147 pictures for D = 4"
grep -q "^149 pictures in" <<< "$out" || fail "the summary does not say 149 pictures (147 PNGs and two diagrams)"
for svg in dataflow timeline; do
  grep -q '^<svg xmlns="http://www.w3.org/2000/svg"' "$work/d4/$svg.svg" && grep -q '</svg>' "$work/d4/$svg.svg" || fail "$svg.svg is not an SVG document"
done
grep -q '>copy_on_match<\|> *[0-9]* copy_on_match<' "$work/d4/dataflow.svg" || fail "dataflow.svg has no lane for copy_on_match"
grep -q 'carry 1' "$work/d4/timeline.svg" || fail "timeline.svg shows no carry of 1 for 0999+0111="
# 20 distinct layers: 5 attention (3 matrices each), 15 MLPs (2 each), each on a log and a linear
# scale, and the unembedding
[ "$(ls "$work/d4/weights" | wc -l)" -eq 91 ] || fail "expected 91 weight pictures"
[ "$(ls "$work/d4/stream" | wc -l)" -eq 45 ] || fail "expected 45 stream pictures (the embedding and 44 layers)"
[ "$(ls "$work/d4/attention" | wc -l)" -eq 11 ] || fail "expected 11 attention pictures (3 finds and 2 reads per pass)"
for f in stream/00_embedding.png stream/09_add_with_carry.png stream/44_copy_on_match.png \
         attention/07_read_relative_left_pos_to_left.png weights/09_add_with_carry_w1.png \
         weights/09_add_with_carry_w1_linear.png weights/37_carry_out_out_gets_carry_digit_out_plus_1_w1.png weights/unembed.png; do
  [ -f "$work/d4/$f" ] || fail "missing $f"
done
# Readable: every label 14 px high, so a labelled row or column is at least 16 px (the add table's
# 200 hidden units and bias: 201 rows; the stream's 80 columns).
size() { python3 -c "import struct,sys; d=open(sys.argv[1],'rb').read(24); print(*struct.unpack('>II', d[16:24]))" "$1"; }
read -r w h <<< "$(size "$work/d4/weights/09_add_with_carry_w2.png")"
[ "$h" -ge $((201 * 16)) ] || fail "the add table's W2 is $h px tall: its 201 labelled rows need 16 px each"
read -r w h <<< "$(size "$work/d4/stream/09_add_with_carry.png")"
[ "$w" -ge $((80 * 16)) ] || fail "a stream picture is $w px wide: its 80 labelled columns need 16 px each"
"$png_check" --min-colours 20 --min-ink 0.005 $(find "$work/d4" -name '*.png' | sort) > "$work/check.txt" || { grep FAIL "$work/check.txt"; fail "a picture is blank or unreadable"; }
"$png_check" --differ "$work/d4/stream/08_read_relative_right_pos_to_right.png" "$work/d4/stream/09_add_with_carry.png" >/dev/null \
  || fail "add_with_carry changes the stream but not its picture"

# Another digit count: a 1-digit prompt has 4 + 8 + 8 = 20 layers.
out=$("$ctformer" plot 5+7= -o "$work/d1")
[ "$(ls "$work/d1/stream" | wc -l)" -eq 21 ] || fail "expected 21 stream pictures for D = 1: $out"
[ "$fails" -eq 0 ] && echo "all pictures present and non-blank"
exit "$fails"
