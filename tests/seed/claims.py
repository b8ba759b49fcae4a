#!/usr/bin/env python3
"""What docs/tour.md says about the seed notebook, checked on the seed's own code (seed_notebook.py)
with Debian's python3-torch. Prints each claim with the number found; exits 1 if one does not hold.
ctest runs it as seed.claims when CMake finds a python3 that imports torch (tests/CMakeLists.txt).

The claims (docs/tour.md):
  1. 0999+0111= generates 0111, the seed's own demo, and every further token is 0: the seed's
     answer has no end token.
  2. The seed stops after four digits: 9999+9999= gives 8999, and its fifth token is not the
     carry-out digit 1 of 19998 (four passes of the body write four digits).
  3. The seed's read_relative score gap, winner to runner-up, is about 2.2e6 (key scale 1e10).
  4. The seed's add table ("Multiply", bias -900) fires each input's unit at 100 (no carry) or 99
     (carry in); a unit that does not fire is at most -400 (no carry) or -234 (carry in), margins
     of 393 and 227 to GELU's flat zero at -7.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seed_notebook as seed  # noqa: E402

failures = 0


def claim(text, ok, found):
    global failures
    print(("ok   " if ok else "FAIL ") + text + ": " + found)
    failures += 0 if ok else 1


def generate_n(prompt, n):
    for _ in range(n):
        prompt = seed.generate(prompt)
    return prompt


# 1. the demo, and no end token
demo = generate_n("0999+0111=", 6)
claim("0999+0111= generates 0111, then 0s (no end token)", demo == "0999+0111=011100", repr(demo))

# 2. four digits only
nines = generate_n("9999+9999=", 5)
claim("9999+9999= gives 8999 and then 0, not the carry-out 1",
      nines[10:14] == "8999" and nines[14] == "0", repr(nines))


# 3. the read_relative score gap: the scores of the last row of a prompt, as AttentionLayer.attend
# computes them before its softmax, after the layers that come before read_left in pass 1
def scores_before_read_left(prompt):
    x = seed.embedding.embed(seed.embedding.tokenize(prompt))
    for layer in (seed.find_plus, seed.find_equal, seed.find_out):
        x = layer.attend(x)
    for layer in (seed.step_out, seed.clear_lro, seed.step_pos):
        x = layer.forward(x)
    ins = seed.read_left.instruction
    q, k = x @ ins.query, x @ ins.key
    return (q @ k.T / (x.shape[-1] ** 0.5))[-1].double()


s = scores_before_read_left("0999+0111=")
top = torch.topk(s, 2).values
gap = float(top[0] - top[1])
claim("read_relative's score gap is about 2.2e6", 2.1e6 < gap < 2.3e6, f"{gap:.4g}")

# 4. the add table's margins, over every input the table sees (one-hot digits i, j and carry 0 or
# 1): each unit's pre-activation where it fires, and its largest where it does not
mul = seed.multiply.instruction
L, R, C = seed.left_digit.offset, seed.right_digit.offset, seed.carry.offset
fired, silent = {0: [], 1: []}, {0: [], 1: []}  # by unit kind: 0 no carry, 1 carry in
for i in range(10):
    for j in range(10):
        for c in (0, 1):
            x = torch.zeros(seed.embedding.dim)
            x[L + i] = x[R + j] = 1
            x[C] = c
            pre = (x @ mul.first_weights + mul.first_bias).double()
            for unit in range(200):  # the seed's order: (i, j) pairs, a no-carry then a carry-in unit
                kind, pair = unit % 2, unit // 2
                fires = pair == 10 * i + j and kind == c
                (fired if fires else silent)[kind].append(float(pre[unit]))
ok = all(abs(v - 100) < 1e-3 for v in fired[0]) and all(abs(v - 99) < 1e-3 for v in fired[1])
claim("the add table fires the input's unit at 100 (no carry) and 99 (carry in)", ok,
      f"{min(fired[0]):g}..{max(fired[0]):g}, {min(fired[1]):g}..{max(fired[1]):g}")
top0, top1 = max(silent[0]), max(silent[1])
claim("a unit that does not fire is at most -400 (no carry) and -234 (carry in): margins 393 and 227 "
      "to GELU's flat zero (-7)", abs(top0 + 400) < 1e-3 and abs(top1 + 234) < 1e-3,
      f"at most {top0:g} and {top1:g}: margins {-7 - top0:g} and {-7 - top1:g}")

sys.exit(1 if failures else 0)
