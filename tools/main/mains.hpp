// tools/main/mains.hpp — the two programs as functions: their main()s (tools/main/) call them, and so
// does the fuzzer of their arguments (tests/fuzz/fuzz_args.cpp). Each returns the exit status.
#pragma once

/// `ctformer`: 0 done, 1 a failed check (bounds, prove), 2 bad usage, 4 an output or system failure
/// (tools/common/io.hpp).
int ctformer_main(int argc, char** argv);

/// `ctformer-check`: 0 complete and every pair right, 1 a pair wrong, 2 bad usage or a bad input
/// file, 3 incomplete, 4 an output or system failure, 130 interrupted (tools/common/io.hpp).
int ctformer_check_main(int argc, char** argv);
