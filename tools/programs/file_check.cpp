// tools/programs/file_check.cpp — `ctformer-check --weights FILE` (tools/programs/file_check.hpp).
#include "file_check.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include <fmt/core.h>

#include "check/report.hpp"  // visible()
#include "common/digits.hpp"
#include "common/io.hpp"
#include "commands/commands.hpp"

namespace ctformer::tools {

namespace {

struct wrong_pair {
    std::string prompt, expected, got;
};

/// The options a check of a file's network takes; any other given is an error.
void refuse_other_options(CLI::App const& app) {
    for (char const* name : {"--left", "--right", "--shard", "--resume", "--merge", "--sample", "--seed-set", "--json", "--wait"})
        if (app.count(name) > 0)
            throw input_error(fmt::format("--weights checks every pair of --digits on the reference forward pass; it takes no {}", name));
}

}  // namespace

int check_weights(CLI::App const& app, check::cli::check_options const& o, std::string const& weights) {
    refuse_other_options(app);
    program_ops const& ops = program_for(o.program, o.digits, weights);
    std::uint64_t const lefts = power_of_ten(o.digits);
    std::uint64_t const rights = power_of_ten(ops.second_digits);
    if (lefts * rights > max_file_pairs)
        throw input_error(fmt::format("--weights checks at most {} pairs (each on the reference forward pass): --digits {} has {}",
                                      max_file_pairs, o.digits, lefts * rights));
    std::atomic<std::uint64_t> next{0}, right{0};
    std::mutex m;
    std::vector<wrong_pair> wrong;
    std::uint64_t n_wrong = 0;
    auto work = [&] {
        for (std::uint64_t a; (a = next++) < lefts;)
            for (std::uint64_t b = 0; b < rights; ++b) {
                std::string const prompt = ops.run->prompt(o.digits, a, b), want = ops.run->expected(o.digits, a, b);
                auto const g = ops.generate(prompt, ops.answer_length);
                if (g.answer() == want) {
                    ++right;
                    continue;
                }
                std::lock_guard const lock(m);
                ++n_wrong;
                if (wrong.size() < o.max_failures) wrong.push_back({prompt, want, std::string(g.answer())});
            }
    };
    std::vector<std::jthread> threads;
    for (unsigned t = 1; t < std::max(1u, o.threads); ++t) threads.emplace_back(work);
    work();
    threads.clear();  // joined
    std::sort(wrong.begin(), wrong.end(), [](wrong_pair const& x, wrong_pair const& y) { return x.prompt < y.prompt; });
    fmt::print("ctformer-check: {}-digit {}s, 0..{} {} 0..{}, on the network of {}\n", o.digits, ops.noun, lefts - 1,
               ops.run->prompt(o.digits, 0, 0)[o.digits], rights - 1, weights);
    fmt::print("checked {} of {}: {} right, {} wrong\n", lefts * rights, lefts * rights, right.load(), n_wrong);
    for (auto const& w : wrong) fmt::print("  FAIL {}  expected {}  got {}\n", w.prompt, visible(w.expected), visible(w.got));
    if (n_wrong > wrong.size()) fmt::print("  ... and {} more failures (raise --max-failures to list them)\n", n_wrong - wrong.size());
    fmt::print("{}", not_proven_line(weights));
    return n_wrong > 0 ? exit_wrong : exit_ok;
}

}  // namespace ctformer::tools
