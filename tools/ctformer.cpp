// ctformer — run the constexpr adder on a prompt. Each command is a file of tools/commands/:
//
//   ctformer add 0999+0111=             → 0999+0111=01110 and the end token, and the sum it means
//   ctformer add 0999+0111= --tokens 3  → stop after three tokens
//   ctformer trace 0999+0111=           → the registers after every layer, decoded
//   ctformer export --json              → the network as data
//   ctformer plot 0999+0111= -o DIR     → PNG heatmaps: weights, the stream after each layer, attention
//   ctformer explain 0999+0111= -o F    → one self-contained HTML page that steps through the layers
//   ctformer bounds --digits 4          → the largest value of every layer over all valid prompts
//   ctformer prove --digits 16          → the all-input proof at run time: every premise, its cases
//
// Exit status: 0 done, 1 an internal error (or bounds that do not fit, or a premise of prove that
// fails), 2 bad usage: a malformed
// prompt, a bad option, an output that cannot be written.
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <vector>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <ctformer/ctformer.hpp>

#include "commands/commands.hpp"
#include "mains.hpp"

namespace {

/// Runs the parsed command; a user's error is exit status 2 with its message, anything else 1.
int run_parsed(std::vector<ctformer::tools::command> const& commands) {
    try {
        for (auto const& c : commands)
            if (c.app->parsed()) return c.run();
        fmt::print(stderr,
                   "ctformer: no command given; expected one of: add, trace, export, plot, explain, bounds, prove (see --help)\n");
        return 2;
    } catch (ctformer::prompt_error const& e) {
        fmt::print(stderr, "ctformer: {}\n", e.what());
        return 2;
    } catch (ctformer::tools::output_error const& e) {
        fmt::print(stderr, "ctformer: {}\n", e.what());
        return 2;
    } catch (std::invalid_argument const& e) {
        fmt::print(stderr, "ctformer: {}\n", e.what());
        return 2;
    } catch (std::exception const& e) {
        fmt::print(stderr, "ctformer: internal error: {}\n", e.what());
        return 1;
    }
}

}  // namespace

int ctformer_main(int argc, char** argv) {
    using namespace ctformer::tools;
    CLI::App app{"ctformer: a transformer whose weights are computed and whose forward pass the compiler evaluates"};
    app.require_subcommand(0, 1);
    std::vector<command> const commands{add_command(app),  trace_command(app),   export_command(app),
                                        plot_command(app), explain_command(app), bounds_command(app), prove_command(app)};
    try {
        app.parse(argc, argv);
    } catch (CLI::ParseError const& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    return run_parsed(commands);
}
