// tests/run_time.hpp — at_run_time(v): v, as a value no constant evaluation can read.
//
// The tests call constexpr functions (prove, generate, adds_correctly) with constant arguments to
// run them at run time. clang++ tries such a call at compile time whenever its result takes part
// in arithmetic or is passed to another call (its integer-overflow check), or initializes a const
// local that is read; in a unit built with the proof budget (ctformer_proof_budget) that trial
// runs to the end: the all-input proof of one digit count took clang++ 19 minutes of compile time
// in tests/test_all_inputs.cpp (docs/benchmarks.md, CI: where the time goes). at_run_time is not
// constexpr, so a trial that meets it stops at once.
#pragma once

template <class T>
T at_run_time(T v) {
    return v;
}
