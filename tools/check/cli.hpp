// tools/check/cli.hpp — the command line both checkers take (ctformer-check and, on Open MPI,
// ctformer-check-mpi): the options, their checks, the check they describe, and the exit status of
// its report.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "report.hpp"

namespace ctformer::tools::check::cli {

struct check_options {
    std::string program = "add";  ///< the program checked (model/program.hpp): add, sub
    std::size_t digits = 4, max_failures = 20;
    std::string left, right, shard, resume;
    bool seed_set = false, json = false, wait = false;
    std::uint64_t sample = 0, rng_seed = 1;
    unsigned threads = 1;  ///< worker threads (each program sets its default before add_options)
    std::vector<std::string> merge;
};

/// The options into `o`; `threads_help` says what --threads defaults to.
void add_options(CLI::App& app, check_options& o, std::string const& threads_help);

/// No option is taken silently: an empty file name in --merge, --wait without --resume, or an
/// option the chosen mode would ignore, is an error (usage_error). (An empty --left, --right, --shard
/// or --resume is refused as CLI11 reads it: option_checks.hpp's non_empty.)
void check_given(CLI::App const& app, check_options const& o);

/// The check the options describe, before it runs: digits, ranges, sample, shard. Throws
/// usage_error for options that contradict each other or a check too large to count.
report plan(check_options const& o);

/// The exit status of a finished check: a wrong answer first, then an interrupt, then a shortfall.
/// An interrupt or a shortfall is also told on stderr, prefixed with `tool` (the report on stdout
/// says it too, but may go to a file or a program).
int status_of(report const& r, std::string_view tool);

}  // namespace ctformer::tools::check::cli
