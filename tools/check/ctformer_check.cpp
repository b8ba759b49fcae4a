// ctformer-check — run the proven network over every input (or a range, a sample, a shard).
//
// The very forward pass the static_asserts evaluate runs here on the CPU: no second model. Speed
// comes from doing less of the same arithmetic: the compiled sparse layers, the cached-embedding
// rows, the prompt tree walk (check_block), and threads. The parts live in tools/check/.
//
// Exit status (tools/common/io.hpp): 0 complete and every pair right; 1 a pair is wrong; 2 bad usage or a
// bad input file; 3 incomplete (a merge that lacks parts); 4 an output or system failure (the
// report or the --resume file cannot be written, out of memory, a thread cannot start);
// 130 interrupted.
#include <algorithm>
#include <csignal>
#include <exception>
#include <string>
#include <thread>
#include <vector>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include "check/check.hpp"
#include "check/cli.hpp"
#include "programs/file_check.hpp"
#include "common/digits.hpp"
#include "main/mains.hpp"

namespace {

using ctformer::tools::report;
using ctformer::tools::check::usage_error;
using namespace ctformer::tools::check::cli;

/// The merged report (--merge), or the report of the check the options describe, run.
report run_check(check_options const& o) {
    if (!o.merge.empty()) {
        if (!o.left.empty() || !o.right.empty() || o.seed_set || o.sample || !o.shard.empty() || !o.resume.empty())
            throw usage_error(
                "--merge combines finished reports; it takes no --left, --right, --seed-set, --sample, --shard or --resume");
        return ctformer::tools::check::merge_reports(o.merge, o.max_failures);
    }
    report r = plan(o);
    ctformer::tools::check::sweep(r, {o.threads, o.max_failures, o.resume, o.wait});
    return r;
}

/// Runs the check and prints its report; the status, or that of the error that stopped it.
int run_and_report(CLI::App const& app, check_options const& o) {
    using namespace ctformer::tools;
    try {
        check_given(app, o);
        report const r = run_check(o);
        if (o.json)
            print_out(report_json(r));
        else
            check::print_report(r);
        return status_of(r, "ctformer-check");
    } catch (...) {
        return exit_status_of_error("ctformer-check");
    }
}

/// --weights: the check of a network read from a file (tools/programs/file_check.hpp).
int run_weights(CLI::App const& app, check_options const& o, std::string const& weights) {
    try {
        return ctformer::tools::check_weights(app, o, weights);
    } catch (...) {
        return ctformer::tools::exit_status_of_error("ctformer-check");
    }
}

}  // namespace

int ctformer_check_main(int argc, char** argv) {
    // A write past `ulimit -f` then fails with EFBIG and is reported (exit status 4); by default
    // SIGXFSZ would kill the process with the work unsaved.
    std::signal(SIGXFSZ, SIG_IGN);
    using namespace ctformer::tools;
    CLI::App app{
        "ctformer-check: check the constexpr adder on every input with the same forward pass the proofs use.\n"
        "Exit status: 0 complete and every pair right, 1 a pair is wrong, 2 bad usage or a bad input file,\n"
        "3 incomplete (a merge that lacks parts), 4 an output or system failure, 130 interrupted."};
    check_options o;
    o.threads = std::max(1u, std::thread::hardware_concurrency());
    add_options(app, o, "all cores");
    std::string weights;
    app.add_option("--weights", weights,
                   "check the network in FILE (the JSON `ctformer export --json` writes, edited by hand) on the reference forward "
                   "pass, every pair of --digits (at most 10^4 pairs); not proven")
        ->type_name("FILE");
    int status = exit_ok;
    try {
        app.parse(argc, argv);
        status = weights.empty() ? run_and_report(app, o) : run_weights(app, o, weights);
    } catch (CLI::ParseError const& e) {
        status = app.exit(e) == 0 ? exit_ok : exit_usage;
    } catch (std::exception const&) {  // while reporting an error
        tell("ctformer-check: cannot report an error\n");
        status = exit_failure;
    }
    if (!flush_outputs()) return exit_failure;  // the report must have reached stdout
    return status;
}
