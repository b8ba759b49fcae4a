// ctformer — run the constexpr adder on a prompt. Each command is a file of tools/commands/:
//
//   ctformer add 0999+0111=             → 0999+0111=01110 and the end token, and the sum it means
//   ctformer add 0999+0111= --tokens 3  → stop after three tokens
//   ctformer run 0999-0111=             → any program, picked by the operation: 0999-0111=88800 and
//                                         the end token, and what it means (0888, borrow out 0)
//   ctformer trace 0999+0111=           → the registers after every layer, decoded
//   ctformer export --json              → the network as data
//   ctformer plot 0999+0111= -o DIR     → PNG heatmaps: weights, the stream after each layer, attention
//   ctformer explain 0999+0111= -o F    → one self-contained HTML page that steps through the layers
//   ctformer bounds --digits 4          → the largest value of every layer over all valid prompts
//   ctformer prove --digits 16          → the all-input proof at run time: every premise, its cases
//
// Exit status (tools/common/io.hpp): 0 done; 1 a check that fails (bounds that do not fit, a premise of
// prove that fails); 2 bad usage (a malformed prompt, a bad option); 4 an output or system failure
// (a file or stdout that cannot be written, out of memory).
#include <csignal>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <vector>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <ctformer/ctformer.hpp>

#include "commands/commands.hpp"
#include "main/mains.hpp"

namespace {

/// Runs the parsed command: its status, or that of the error that stopped it, with the message.
int run_parsed(std::vector<ctformer::tools::command> const& commands) {
    using namespace ctformer::tools;
    try {
        for (auto const& c : commands)
            if (c.app->parsed()) return c.run();
        tell("ctformer: no command given; expected one of: add, run, trace, export, plot, explain, bounds, prove (see --help)\n");
        return exit_usage;
    } catch (...) {
        return exit_status_of_error("ctformer");
    }
}

}  // namespace

int ctformer_main(int argc, char** argv) {
    // A write past `ulimit -f` then fails with EFBIG and is reported (exit status 4); by default
    // SIGXFSZ would kill the process with the work unsaved.
    std::signal(SIGXFSZ, SIG_IGN);
    using namespace ctformer::tools;
    CLI::App app{
        "ctformer: a transformer whose weights are computed and whose forward pass the compiler evaluates.\n"
        "Exit status: 0 done, 1 a check that fails (bounds, prove), 2 bad usage, 4 an output or system failure."};
    app.require_subcommand(0, 1);
    std::vector<command> const commands{add_command(app),     run_command(app),     trace_command(app),
                                        export_command(app),  plot_command(app),    explain_command(app),
                                        bounds_command(app),  prove_command(app)};
    int status = exit_ok;
    try {
        app.parse(argc, argv);
        status = run_parsed(commands);
    } catch (CLI::ParseError const& e) {
        status = app.exit(e) == 0 ? exit_ok : exit_usage;
    } catch (std::exception const&) {  // while reporting an error: memory, a message that cannot be formatted
        tell("ctformer: cannot report an error\n");
        status = exit_failure;
    }
    // Everything printed must have reached stdout: a full disk or a closed stdout is a failure.
    if (!flush_outputs()) return exit_failure;
    return status;
}
