// tools/programs/file_check.hpp — `ctformer-check --weights FILE`: every pair of a small digit count
// through the network read from FILE (tools/common/weights_file.hpp), against integer arithmetic.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "check/cli.hpp"

namespace ctformer::tools {

/// The most pairs --weights checks: each runs on the reference forward pass (every row through every
/// dense layer, about 5 ms for a 2-digit addition), not on the checker's walk.
inline constexpr std::uint64_t max_file_pairs = 10000;

/// Checks every pair of o.program with o.digits digits on the network of `weights`, on o.threads
/// threads, and prints the result as ctformer-check does; returns the exit status (0 every pair
/// right, 1 a pair wrong). Throws input_error for an option --weights does not take or a check of
/// more than max_file_pairs pairs, input_error for a file that is not a network of the program.
int check_weights(CLI::App const& app, check::cli::check_options const& o, std::string const& weights);

}  // namespace ctformer::tools
