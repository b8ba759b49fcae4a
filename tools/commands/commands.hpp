// tools/commands/commands.hpp — the commands of `ctformer`, one file each in tools/commands/: their
// options, the function that runs each one (returning the exit status), and how each registers
// itself as a subcommand. What they share: the output files (written whole or not at all, see
// tools/common/io.hpp), the prompt options.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>

#include <CLI/CLI.hpp>

#include "common/io.hpp"
#include "ctformer/layers/margins.hpp"

namespace ctformer::tools {

/// A subcommand of `ctformer`: its CLI11 app, whose options are bound to the command's own
/// options, and the function that runs the command with them once the app has parsed.
struct command {
    CLI::App* app = nullptr;
    std::function<int()> run;
};

/// Creates `dir` and its parents; throws output_error.
void make_directory(std::filesystem::path const& dir);

/// Writes `text` to `path`, creating its directory; throws output_error.
void write_file(std::filesystem::path const& path, std::string const& text);

/// The prompt argument and --digits, which every command that runs a prompt takes.
void add_prompt_options(CLI::App& app, std::string& prompt, std::size_t& digits);
/// `--weights FILE`: run the network read from FILE (the JSON export --json writes, edited), on
/// the reference forward pass, not proven (tools/common/weights_file.hpp).
void add_weights_option(CLI::App& app, std::string& weights);
/// The line the tools print under the output of a network read from a file.
std::string not_proven_line(std::string const& weights);

/// --digits as given, or the digit count the prompt is written for when it was not given (0).
std::size_t digits_for(std::size_t digits, std::string const& prompt);

/// The line `add --margins` and `run --margins` print: a generation's smallest decision margins.
std::string margins_line(margins const& m);

// ctformer add PROMPT: the generated answer and the sum it means
struct add_options {
    std::string prompt, weights;
    std::size_t digits = 0, tokens = 0;
    bool margins = false;
};
int run_add(add_options const& o);
command add_command(CLI::App& ctformer);

// ctformer run PROMPT: any program's answer (the prompt's operation picks it) and what it means
struct run_options {
    std::string prompt, weights;
    std::size_t digits = 0, tokens = 0;
    bool margins = false;
};
int run_run(run_options const& o);
command run_command(CLI::App& ctformer);

// ctformer trace PROMPT: the last row's registers after every layer
struct trace_options {
    std::string prompt, weights;
    std::size_t digits = 0, tokens = 0;
    bool json = false;
};
int run_trace(trace_options const& o);
command trace_command(CLI::App& ctformer);

// ctformer export --json: the network as data
struct export_options {
    std::size_t digits = 4;
    std::string program = "add";
    bool json = false;
};
int run_export(export_options const& o);
command export_command(CLI::App& ctformer);

// ctformer plot PROMPT -o DIR: PNG heatmaps
struct plot_options {
    std::string prompt, directory;
    std::size_t digits = 0;
};
int run_plot(plot_options const& o);
command plot_command(CLI::App& ctformer);

// ctformer explain [PROMPT] [--presets] -o FILE: the walkthrough page
struct explain_options {
    std::string prompt, file, weights;
    std::size_t digits = 0;
    bool presets = false;
};
int run_explain(explain_options const& o);
command explain_command(CLI::App& ctformer);

// ctformer bounds: the largest value of every layer over all valid prompts
struct bounds_options {
    std::size_t digits = 4;
    std::string program = "add";
};
int run_bounds(bounds_options const& o);
command bounds_command(CLI::App& ctformer);

// ctformer prove: the all-input proof at run time
/// The largest D prove takes: beyond the adder's 16, so that it can show where the proof fails
/// (every answer row must fit a forward pass of 64 rows).
inline constexpr std::size_t max_digits_prove = 20;
struct prove_options {
    std::size_t digits = 4;
    std::string program = "add";
    bool json = false;
};
int run_prove(prove_options const& o);
command prove_command(CLI::App& ctformer);

}  // namespace ctformer::tools
