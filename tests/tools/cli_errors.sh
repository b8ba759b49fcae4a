#!/usr/bin/env bash
# Bad usage of the tools: each case must exit with status 2 and say what is wrong on stderr.
# (Outputs that cannot be written, exit status 4, are in hostile.sh.)
# usage: cli_errors.sh path/to/ctformer path/to/ctformer-check
set -u
ctformer=$1 check=$2
fails=0 count=0
scratch=$(mktemp -d)  # files the cases read (a resume file leaves its lock beside it)
trap 'rm -rf "$scratch"' EXIT
cp "$0" "$scratch/script.json"
expect() {  # expect REGEX TOOL ARGS...
  local regex=$1; shift
  local err rc
  err=$(timeout 60 "$@" 2>&1 >/dev/null); rc=$?
  count=$((count + 1))
  if [ "$rc" -ne 2 ]; then
    echo "FAIL: $* exited $rc, expected 2 ($err)"; fails=$((fails + 1))
  elif ! grep -Eq -- "$regex" <<< "$err"; then
    echo "FAIL: $*: message does not match /$regex/: $err"; fails=$((fails + 1))
  fi
}
expect "required"                               "$ctformer" add
expect "no command given"                       "$ctformer"
expect "character '-' at position 4"            "$ctformer" add 0999-0111=
expect "expected '=' at position 6, found '1' \(shape DDDD\*D=\)" "$ctformer" run 0999*0111=
expect "character '/' at position 4 is not one of 0123456789\+=" "$ctformer" run 0999/0111=
expect "character '\+' at position 7 is not one of 0123456789-=" "$ctformer" run 0999-01+1=
expect "the first operand has 3 digits"         "$ctformer" run 099-0111=
expect "--digits"                               "$ctformer" run 0999-0111= --digits 17
expect "operands have 17 digits"                "$ctformer" run 00000000000000000-00000000000000000=
expect "the first operand has 3 digits"         "$ctformer" add 099+0111=
expect "it has 9 characters"                    "$ctformer" add 0999+0111
expect "empty"                                  "$ctformer" add ""
expect "byte 0xc3 at position 2"                "$ctformer" add $'09\xc3\xa99+0111='
expect "' ' \(space\) at position 4"            "$ctformer" add "0999 0111="
expect "5000 characters"                        "$ctformer" add "$(printf '1%.0s' {1..5000})"
expect "--digits"                               "$ctformer" add 0999+0111= --digits 17
expect "--tokens"                               "$ctformer" add 0999+0111= --tokens 0
expect "--tokens"                               "$ctformer" add 0999+0111= --tokens x
expect "not expected: frobnicate"            "$ctformer" frobnicate
expect "--bogus"                                "$ctformer" add 0999+0111= --bogus
expect "--output"                               "$ctformer" plot 0999+0111=
expect "--digits"                               "$ctformer" bounds --digits 17
expect "not expected: 0999\+0111="              "$ctformer" bounds 0999+0111=
expect "character '/' at position 4"            "$ctformer" plot 0999/0111= -o /tmp/ctformer-never-written
expect "expected a digit at position 8"         "$ctformer" plot 0999-011= -o /tmp/ctformer-never-written
expect "character '/' at position 4"            "$ctformer" explain 0999/0111= -o /tmp/ctformer-never-written.html
expect "expected '=' at position 6"             "$ctformer" explain 0999*77= -o /tmp/ctformer-never-written.html
expect "--program"                              "$ctformer" export --json --program div
expect "--program"                              "$ctformer" bounds --program div
expect "--program"                              "$ctformer" prove --program div
expect "--output"                               "$ctformer" explain 0999+0111=
expect "give a prompt, --presets, or both"      "$ctformer" explain -o /tmp/ctformer-never-written.html
expect "the first operand has 3 digits"         "$ctformer" explain 099+0111= -o /tmp/ctformer-never-written.html
expect "--digits"                               "$check" --digits 0
expect "--digits"                               "$check" --digits 17
expect "more than 2\^64 pairs"                 "$check" --digits 10
expect "more than 2\^64 pairs"                 "$check" --digits 16 --left 0..99999
expect "range is empty"                         "$check" --left 5..2
expect "more digits"                            "$check" --left 0..10000
expect "expected A..B"                          "$check" --left abc
expect "expected A..B"                          "$check" --right 1..
expect "K/N"                                    "$check" --shard 0/4
expect "K/N"                                    "$check" --shard 5/4
expect "K/N"                                    "$check" --shard x
expect "seed-set"                               "$check" --seed-set --digits 3
expect "seed-set"                               "$check" --seed-set --program sub
expect "--program: div not in \{add,sub,mul\}" "$check" --program div
expect "more digits than --digits allows"       "$check" --program mul --right 0..10
expect "takes no --program"                     "$check" --merge x.json --program sub
expect "--sample"                               "$check" --sample 0
expect "--sample"                               "$check" --rng-seed 3
expect "not expected: .*--seed"                 "$check" --sample 5 --seed 3
expect "not a ctformer-check report: .*line 1"  "$check" --merge "$0" "$0"
expect "--threads"                              "$check" --threads 0
expect "cannot read"                            "$check" --merge /nonexistent/report.json
expect "not a ctformer-check report"            "$check" --merge "$0"
expect "takes no"                               "$check" --merge x.json --shard 1/2
expect "takes no"                               "$check" --merge x.json --resume y.json
expect "not a ctformer-check resume file"       "$check" --digits 1 --resume "$scratch/script.json"
expect "--resume"                               "$check" --digits 1 --resume
expect "--max-failures"                         "$check" --max-failures -1
expect "--unknown-option"                       "$check" --unknown-option
expect "prompt is required|required"           "$ctformer" trace
expect "--json"                                 "$ctformer" export
expect "--digits"                               "$ctformer" export --json --digits 0
expect "character .x. at position 0"             "$ctformer" trace x999+0111=
echo "$count bad invocations, $((count - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
