#!/usr/bin/env bash
# The walkthrough page in a real browser: headless Chromium opens `ctformer explain`'s page, steps
# forward by pressing "next" (the page's #next=N fragment clicks the button N times after loading),
# and we check the page says where it is and shows that layer, and that screenshots before and
# after stepping are real, non-blank and different pictures.
# usage: explain_browser.sh CTFORMER PNG_CHECK CHROMIUM WORKDIR
set -euo pipefail
ctformer=$1 png_check=$2 chromium=$3 work=$4
rm -rf "$work" && mkdir -p "$work"
"$ctformer" explain 0999+0111= -o "$work/walkthrough.html"
browser() {  # browser ARGS... URL
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
    --user-data-dir="$work/profile" --window-size=1280,1000 --virtual-time-budget=5000 "$@" 2>/dev/null
}
url="file://$work/walkthrough.html"
fails=0
for step in 0 9; do
  dom=$(browser --dump-dom "$url#next=$step")
  if ! grep -q "<span id=\"where\" data-step=\"$step\">step $step of 44</span>" <<< "$dom"; then
    echo "FAIL: after pressing next $step times the page does not say step $step of 44"; fails=$((fails + 1))
  fi
  browser --screenshot="$work/step$step.png" "$url#next=$step" >/dev/null
done
# Step 9 is the first add_with_carry: its name and the stream, 15 rows of 80 cells, must be on show,
# with the cells it changed outlined (out and carry of the rows from '=' on).
dom=$(browser --dump-dom "$url#next=9")
grep -q '<h2 id="layer-name">add_with_carry</h2>' <<< "$dom" || { echo "FAIL: step 9 does not show add_with_carry"; fails=$((fails + 1)); }
cells=$(grep -o '<rect[^>]*class="cell"' <<< "$dom" | wc -l)
[ "$cells" = 1200 ] || { echo "FAIL: step 9's stream has $cells cells, not 15 rows of 80"; fails=$((fails + 1)); }
grep -q 'data-row="9" data-col="[0-9]*" fill="[^"]*" stroke="#e0a800"' <<< "$dom" \
  || { echo "FAIL: step 9's stream outlines no changed cell in row 9"; fails=$((fails + 1)); }
# Which unit fired: step 9 shows the add table's two 10x10 grids with unit (9, 1, no carry) firing.
grep -q '<caption>units (i, j, no carry): carry in 0</caption>' <<< "$dom" || { echo "FAIL: step 9 shows no grid of the add table"; fails=$((fails + 1)); }
grep -q '<td class="fires" title="(9, 1, no carry): pre-activation 128.000">128</td>' <<< "$dom" \
  || { echo "FAIL: step 9's grid does not show unit (9, 1, no carry) firing at 128"; fails=$((fails + 1)); }
grep -q '<p id="fired">(9, 1, no carry) fired, at 128.000; the next (9, 1, carry in) at -205.000: a margin of 333.000' <<< "$dom" \
  || { echo "FAIL: step 9 does not name the unit that fired and the next one"; fails=$((fails + 1)); }
# Ties are named as ties (step 17: with the carry set, 18 units share -205), and a row where no unit
# fired says so (step 44, the last copy: every copy unit of the row of '=' at or below -84).
grep -q '<p id="fired">(9, 1, carry in) fired, at 128.000; the next 18 units tied, (0, 1, carry in), (1, 1, carry in), (2, 1, carry in), (3, 1, carry in) and 14 more, at -205.000' \
  <<< "$(browser --dump-dom "$url#step=17")" || { echo "FAIL: step 17 does not name the 18 tied units"; fails=$((fails + 1)); }
grep -q '<p id="fired">no unit fired in this row: the highest pre-activation is -84.000, copy of \\n' <<< "$(browser --dump-dom "$url#step=44")" \
  || { echo "FAIL: step 44 names a unit as fired where none did"; fails=$((fails + 1)); }
# Attention as its weights: at step 2 (find '='), row 4 cannot see '=' and attends evenly to rows 0-4.
grep -q '<td>evenly over rows 0–4 (0.200 each)</td>' <<< "$(browser --dump-dom "$url#step=2")" \
  || { echo "FAIL: step 2 does not show row 4 attending evenly over rows 0-4"; fails=$((fails + 1)); }
# The stream's register labels never overlap (carry and distance are one column each, side by side).
grep -q '<p id="inspected">11 labels, 0 overlapping' <<< "$(browser --dump-dom "$url#step=9&overlaps=1")" \
  || { echo "FAIL: the stream's register labels overlap"; fails=$((fails + 1)); }
# Hovering a cell: the page's hook (#inspect=ROW,REGISTER writes what the cell's tooltip says into
# #inspected) gives row 9's right_pos after step 17; its values must be those ctformer trace --json
# prints for that row after that layer (layer 16, the 17th right_pos of the trace's first token).
tip=$(browser --dump-dom "$url#step=17&inspect=9,right_pos" | grep -o '<p id="inspected">[^<]*' || true)
want=$("$ctformer" trace 0999+0111= --json --tokens 1 | grep -o '"right_pos": \[[^]]*\]' | sed -n 17p | sed 's/.*\[//; s/\]//; s/, / /')
if [ -z "$want" ] || ! grep -qF "col 18 = ${want% *} (raw" <<< "$tip" || ! grep -qF "col 19 = ${want#* } (raw" <<< "$tip"; then
  echo "FAIL: the tooltip of row 9's right_pos at step 17 ($tip) is not what ctformer trace --json gives ($want)"; fails=$((fails + 1))
fi
grep -qF "last written by step 14 (step_position" <<< "$tip" || { echo "FAIL: the tooltip does not name the step that last wrote right_pos"; fails=$((fails + 1)); }
# Hovering a cell of the stream: a real mouseover event (#hover=ROW,COL dispatches it on that cell) on
# row 9's column 18 (right_pos sin) after step 17 shows the same value, exactly, with its raw Q31.32
# (value times 2^32) and the step that last wrote it.
tip=$(browser --dump-dom "$url#step=17&hover=9,18" | grep -o '<div id="cell-tip" role="tooltip" data-row="9" data-col="18"[^>]*>[^<]*' || true)
raw=$(grep -o 'raw Q31.32 -\?[0-9]*' <<< "$tip" | grep -o -- '-\?[0-9]*$' || true)
if [ -z "$raw" ] || ! grep -qF "value ${want% *}" <<< "$tip" \
   || ! awk -v r="$raw" -v w="${want% *}" 'BEGIN { d = r / 4294967296 - w; exit !(d < 1e-12 && d > -1e-12) }'; then
  echo "FAIL: hovering row 9, column 18 at step 17 shows ($tip), not ctformer trace --json's ${want% *}"; fails=$((fails + 1))
fi
grep -qF "row 9 ('='), right_pos sin, column 18" <<< "$tip" && grep -qF "last written by step 14 (step_position" <<< "$tip" \
  || { echo "FAIL: the stream's tooltip does not name the cell and the step that last wrote it ($tip)"; fails=$((fails + 1)); }
# The attention strip: at step 7 (read_relative left_pos -> left, pass 1) the row of '=' (9)
# attends to row 3 (the last digit of 0999) with weight 1; at step 2 (find '=') row 12, selected by
# #row=12, attends to row 9 with the score the tour gives (57.2, 512/sqrt(80)) and every other row
# scores 0: a gap of -57.2, past exp's zero at -22.9.
dom=$(browser --dump-dom "$url#step=7")
grep -q 'class="arc" data-from="9" data-to="3" data-weight="1"><title>row 9 → row 3: weight 1, score ' <<< "$dom" \
  || { echo "FAIL: step 7's attention strip has no arc from row 9 to row 3 of weight 1"; fails=$((fails + 1)); }
[ "$(grep -o 'class="arc"' <<< "$dom" | wc -l)" = 1 ] || { echo "FAIL: step 7's strip should have one arc"; fails=$((fails + 1)); }
dom=$(browser --dump-dom "$url#step=2&row=12")
grep -q '<title>row 12 → row 9: weight 1, score 57.2433, gap to the best 0</title>' <<< "$dom" \
  || { echo "FAIL: step 2's strip does not show row 12's score 57.2433 on row 9"; fails=$((fails + 1)); }
grep -q '<title>row 12 → row 4: weight 0, score 0, gap to the best -57.2433</title>' <<< "$dom" \
  || { echo "FAIL: step 2's strip does not show row 4's gap of -57.2433"; fails=$((fails + 1)); }
# Past the end: the page stays at the last step.
browser --dump-dom "$url#next=60" | grep -q 'data-step="44"' || { echo "FAIL: pressing next past the end leaves the last step"; fails=$((fails + 1)); }
# The presets: the chooser lists them, and #preset=1 (the carry-out 9999+0001=) switches the title,
# the table and the narration to that prompt.
"$ctformer" explain --presets -o "$work/presets.html" >/dev/null
purl="file://$work/presets.html"
dom=$(browser --dump-dom "$purl#preset=1&step=37")
grep -q '<option value="3">8 digits: 98765432+12345678=</option>' <<< "$dom" || { echo "FAIL: the chooser does not list the presets"; fails=$((fails + 1)); }
grep -q '<h1 id="title">ctformer: how <code>9999+0001=</code> becomes <code>00001\\n</code></h1>' <<< "$dom" \
  || { echo "FAIL: #preset=1 does not show 9999+0001="; fails=$((fails + 1)); }
grep -q 'out ← the carry as a digit, 1' <<< "$dom" || { echo "FAIL: step 37 of 9999+0001= does not narrate the carry-out"; fails=$((fails + 1)); }
grep -q '<tr class="unread"><td>0</td><td title="row 0, token[^"]*">9</td>' <<< "$dom" || { echo "FAIL: the table of 9999+0001= does not start with row 0 '9'"; fails=$((fails + 1)); }
browser --screenshot="$work/preset1.png" "$purl#preset=1&step=9" >/dev/null
"$png_check" --min-size 1000x800 --min-colours 50 --min-ink 0.05 --differ "$work/step9.png" "$work/preset1.png" || fails=$((fails + 1))
"$png_check" --min-size 1000x800 --min-colours 50 --min-ink 0.05 --differ "$work/step0.png" "$work/step9.png" || fails=$((fails + 1))
[ "$fails" -eq 0 ] && echo "the walkthrough steps forward in $("$chromium" --version)"
exit "$fails"
