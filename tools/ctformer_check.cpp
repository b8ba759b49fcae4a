// ctformer-check — run the proven network over every input (or a range, a sample, a shard).
//
// The very forward pass the static_asserts evaluate runs here on the CPU: no second model. Speed
// comes from doing less of the same arithmetic: the compiled sparse layers, the cached-embedding
// rows, the prompt tree walk (check_block), and threads. The parts live in tools/check/.
//
// Exit status (tools/io.hpp): 0 complete and every pair right; 1 a pair is wrong; 2 bad usage or a
// bad input file; 3 incomplete (a merge that lacks parts); 4 an output or system failure (the
// report or the --resume file cannot be written, out of memory, a thread cannot start);
// 130 interrupted.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <exception>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include "check/check.hpp"
#include "digits.hpp"
#include "mains.hpp"

namespace {

using ctformer::tools::report;
using ctformer::tools::check::usage_error;

struct check_options {
    std::size_t digits = 4, max_failures = 20;
    std::string left, right, shard, resume;
    bool seed_set = false, json = false;
    std::uint64_t sample = 0, rng_seed = 1;
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::string> merge;
};

void add_options(CLI::App& app, check_options& o) {
    app.add_option("--digits,-d", o.digits, "operand digit count D (1-16; a check of every pair needs D ≤ 9, beyond it give ranges or --sample)")
        ->check(CLI::Range(ctformer::tools::min_digits, ctformer::tools::max_digits));
    app.add_option("--left", o.left, "first operands, inclusive range A..B (default 0..10^D-1)");
    app.add_option("--right", o.right, "second operands, inclusive range C..D (default 0..10^D-1)");
    app.add_flag("--seed-set", o.seed_set, "the seed notebook's own set: both operands 0..999 (4 digits)");
    auto* sample = app.add_option("--sample", o.sample, "check N random pairs from the ranges instead of all")
                       ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
    app.add_option("--rng-seed", o.rng_seed, "the random seed of --sample's pairs")->needs(sample);
    app.add_option("--threads,-j", o.threads, "worker threads (default: all cores)")->check(CLI::Range(1, 1024));
    app.add_option("--shard", o.shard, "check part K of N disjoint parts (K/N, 1 ≤ K ≤ N)");
    app.add_option("--merge", o.merge, "combine the JSON reports of a sharded check into one")->expected(1, -1);
    app.add_flag("--json", o.json, "print the report as JSON on stdout");
    app.add_option("--resume", o.resume,
                   "keep the finished work in FILE (written every 5 s and at the end); if FILE exists, skip what it holds");
    app.add_option("--max-failures", o.max_failures, "list at most this many failures")->check(CLI::Range(0, 100000));
}

/// No option is taken silently: an empty value, or an option the chosen mode would ignore, is an error.
void check_given(CLI::App const& app, check_options const& o) {
    for (char const* name : {"--left", "--right", "--shard", "--resume"}) {
        auto const* opt = app.get_option(name);
        if (opt->count() > 0 && opt->as<std::string>().empty()) throw usage_error(fmt::format("{}: the value is empty", name));
    }
    for (auto const& f : o.merge)
        if (f.empty()) throw usage_error("--merge: a file name is empty");
    if (!o.merge.empty())
        for (char const* name : {"--digits", "--threads"})
            if (app.get_option(name)->count() > 0)
                throw usage_error(fmt::format("--merge combines finished reports; it takes no {} (the parts say what they checked)", name));
}

/// The check the options describe, before it runs: digits, ranges, sample, shard.
report plan(check_options const& o) {
    report r;
    r.digits = o.digits;
    std::uint64_t const limit = ctformer::power_of_ten(o.digits);
    r.left_hi = r.right_hi = limit - 1;
    if (o.seed_set) {
        if (o.digits != 4 || !o.left.empty() || !o.right.empty())
            throw usage_error("--seed-set is the seed's 4-digit set 0..999 + 0..999; it takes no --digits, --left or --right");
        r.left_hi = r.right_hi = 999;
    }
    if (!o.left.empty()) std::tie(r.left_lo, r.left_hi) = ctformer::tools::check::parse_range(o.left, limit, "--left");
    if (!o.right.empty()) std::tie(r.right_lo, r.right_hi) = ctformer::tools::check::parse_range(o.right, limit, "--right");
    if (o.sample) {
        r.mode = "sample";
        r.sample = o.sample;
        r.rng_seed = o.rng_seed;
    }
    if (!o.shard.empty()) std::tie(r.shard, r.shards) = ctformer::tools::check::parse_shard(o.shard);
    if (!ctformer::tools::check::pair_count_fits(r))
        throw usage_error(fmt::format(
            "{}-digit additions: the range {}..{} + {}..{} holds more than 2^64 pairs, more than the checker counts; give "
            "narrower --left and --right ranges or --sample N",
            o.digits, r.left_lo, r.left_hi, r.right_lo, r.right_hi));
    return r;
}

/// The merged report (--merge), or the report of the check the options describe, run.
report run_check(check_options const& o) {
    if (!o.merge.empty()) {
        if (!o.left.empty() || !o.right.empty() || o.seed_set || o.sample || !o.shard.empty() || !o.resume.empty())
            throw usage_error(
                "--merge combines finished reports; it takes no --left, --right, --seed-set, --sample, --shard or --resume");
        return ctformer::tools::check::merge_reports(o.merge, o.max_failures);
    }
    report r = plan(o);
    ctformer::tools::check::sweep(r, {o.threads, o.max_failures, o.resume});
    return r;
}

/// The status of a finished check: a wrong answer first, then an interrupt, then a shortfall.
int status_of(report const& r) {
    using namespace ctformer::tools;
    if (r.wrong() > 0) return exit_wrong;
    if (ctformer::tools::check::interrupted()) return exit_interrupted;
    if (!r.complete) return exit_incomplete;
    return exit_ok;
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
        return status_of(r);
    } catch (...) {
        return exit_status_of_error("ctformer-check");
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
    add_options(app, o);
    int status = exit_ok;
    try {
        app.parse(argc, argv);
        status = run_and_report(app, o);
    } catch (CLI::ParseError const& e) {
        status = app.exit(e) == 0 ? exit_ok : exit_usage;
    } catch (std::exception const&) {  // while reporting an error
        tell("ctformer-check: cannot report an error\n");
        status = exit_failure;
    }
    if (!flush_outputs()) return exit_failure;  // the report must have reached stdout
    return status;
}
