// tools/check/cli.cpp — the checkers' command line (cli.hpp).
#include "cli.hpp"

#include <tuple>

#include <fmt/core.h>

#include "common/digits.hpp"
#include "common/option_checks.hpp"
#include "check.hpp"

namespace ctformer::tools::check::cli {

void add_options(CLI::App& app, check_options& o, std::string const& threads_help) {
    app.add_option("--program,-p", o.program,
                   "the program checked: add (a + b, the default), sub (a - b, with borrow) or mul (a * k, k one digit)")
        ->check(CLI::IsMember({"add", "sub", "mul"}));
    app.add_option("--digits,-d", o.digits, "operand digit count D (1-16; a check of every pair needs D ≤ 9, beyond it give ranges or --sample)")
        ->check(whole_number)->check(CLI::Range(min_digits, max_digits));
    app.add_option("--left", o.left, "first operands, inclusive range A..B (default 0..10^D-1)")->check(non_empty);
    app.add_option("--right", o.right, "second operands, inclusive range C..D (default 0..10^D-1)")->check(non_empty);
    app.add_flag("--seed-set", o.seed_set, "the seed notebook's own set: both operands 0..999 (4 digits)");
    auto* sample = app.add_option("--sample", o.sample, "check N random pairs from the ranges instead of all")
                       ->check(whole_number)->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
    app.add_option("--rng-seed", o.rng_seed, "the random seed of --sample's pairs")->check(whole_number)->needs(sample);
    app.add_option("--threads,-j", o.threads, "worker threads (default: " + threads_help + ")")->check(whole_number)->check(CLI::Range(1, 1024));
    app.add_option("--shard", o.shard, "check part K of N disjoint parts (K/N, 1 ≤ K ≤ N)")->check(non_empty);
    app.add_option("--merge", o.merge, "combine the JSON reports of a sharded check into one")->expected(1, -1);
    app.add_flag("--json", o.json, "print the report as JSON on stdout");
    app.add_option("--resume", o.resume,
                   "keep the finished work in FILE (written every 5 s and at the end); if FILE exists, skip what it holds")
        ->check(non_empty);
    app.add_flag("--wait", o.wait, "with --resume: when another run holds FILE, wait for it to end instead of exiting with status 2");
    app.add_option("--max-failures", o.max_failures, "list at most this many failures")->check(whole_number)->check(CLI::Range(0, 100000));
}

void check_given(CLI::App const& app, check_options const& o) {
    if (o.wait && o.resume.empty()) throw usage_error("--wait waits for another run on the same --resume file; give --resume FILE");
    for (auto const& f : o.merge)
        if (f.empty()) throw usage_error("--merge: a file name is empty");
    if (!o.merge.empty())
        for (char const* name : {"--digits", "--threads", "--program"})
            if (app.get_option(name)->count() > 0)
                throw usage_error(fmt::format("--merge combines finished reports; it takes no {} (the parts say what they checked)", name));
}

report plan(check_options const& o) {
    report r;
    r.program = o.program;
    r.digits = o.digits;
    std::uint64_t const limit = ctformer::power_of_ten(o.digits);
    std::uint64_t const second_limit = ctformer::power_of_ten(check_ops_for(o.program, o.digits).second_digits);
    r.left_hi = limit - 1;
    r.right_hi = second_limit - 1;
    if (o.seed_set) {
        if (o.digits != 4 || !o.left.empty() || !o.right.empty() || o.program != "add")
            throw usage_error("--seed-set is the seed's 4-digit set 0..999 + 0..999; it takes no --digits, --left, --right or --program");
        r.left_hi = r.right_hi = 999;
    }
    if (!o.left.empty()) std::tie(r.left_lo, r.left_hi) = parse_range(o.left, limit, "--left");
    if (!o.right.empty()) std::tie(r.right_lo, r.right_hi) = parse_range(o.right, second_limit, "--right");
    if (o.sample) {
        r.mode = "sample";
        r.sample = o.sample;
        r.rng_seed = o.rng_seed;
    }
    if (!o.shard.empty()) std::tie(r.shard, r.shards) = parse_shard(o.shard);
    if (!pair_count_fits(r))
        throw usage_error(fmt::format(
            "{}-digit {}: the range {}..{} and {}..{} holds more than 2^64 pairs, more than the checker counts; give "
            "narrower --left and --right ranges or --sample N",
            o.digits, prompts_noun(r.program), r.left_lo, r.left_hi, r.right_lo, r.right_hi));
    return r;
}

int status_of(report const& r, std::string_view tool) {
    if (r.wrong() > 0) return exit_wrong;
    // The report may go to a file or a program: why the status is not 0 goes to stderr too. A
    // merge (shard 0) counts against the whole check's pairs, a shard against its share.
    if (interrupted() || !r.complete) {
        std::string const missing = missing_shards(r);
        tell(fmt::format("{}: {}: checked {} of {} pairs{} (exit status {})\n", tool, interrupted() ? "interrupted" : "incomplete",
                         r.checked, r.shard == 0 ? pair_count(r) : r.total, missing.empty() ? "" : "; missing shards " + missing,
                         interrupted() ? 130 : 3));
    }
    if (interrupted()) return exit_interrupted;
    if (!r.complete) return exit_incomplete;
    return exit_ok;
}

}  // namespace ctformer::tools::check::cli
