// tools/mains.hpp — the two programs as functions: their main()s (tools/main/) call them, and so
// does the fuzzer of their arguments (tests/fuzz/fuzz_args.cpp). Each returns the exit status.
#pragma once

/// `ctformer`: 0 done, 1 an internal error or a failed check (bounds), 2 bad usage or unwritable output.
int ctformer_main(int argc, char** argv);

/// `ctformer-check`: 0 every checked pair right, 1 a pair wrong (or an internal error), 2 bad usage,
/// 130 interrupted.
int ctformer_check_main(int argc, char** argv);
