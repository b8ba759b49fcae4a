// tools/mutants/campaign.cpp — ctformer-mutants: the all-input proof's own test. It makes weight
// mutants of the seed's network (tools/mutants/mutation.hpp) and, for each, compares the proof's
// verdict with the truth:
//   verdict: all_inputs<runtime_build<seed_weights>>::prove(D) for D = 1, 2, 4, 16 — the constexpr
//            functions the static_asserts of tests/proofs evaluate, here run on the mutated network;
//   truth:   the mutated network's answers: for D = 1 every pair by generation (ctformer::add's
//            plain forward pass); for D = 2 the edge cases by generation and by the checker's walk
//            (check/check.hpp; a pair on which the two differ is a defect of the walk, reported),
//            then every pair by the walk; for D = 4 and 16 the edge cases (carry chains, all nines,
//            zeros, one-digit differences) both ways and random pairs by generation; and for some
//            mutants the proof accepts at D = 4, every 4-digit pair by the walk.
// A mutant that changes some answer at D must be rejected at D: one that is not is a hole in the
// proof, and the tool exits 1 naming it. Exit status: 0 none, 1 a hole, 2 bad usage, 4 a system
// failure (docs/proof.md: The mutation campaign). A walk that disagrees with generation also exits 1.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <ctformer/check/check.hpp>
#include <ctformer/ctformer.hpp>

#include "common/io.hpp"
#include "common/json.hpp"
#include "common/option_checks.hpp"
#include "mutation.hpp"

namespace ctformer::tools {
namespace {

using base = seed_weights;
using build = runtime_build<base>;
using prover = all_inputs<build>;
using mutants::change;
using mutants::mutant;
using mutants::part;
using mutants::site;

constexpr std::array<std::size_t, 4> judged_digits{1, 2, 4, 16};

struct options {
    std::size_t count = 2100;  ///< mutants to draw (the unmutated network is judged first, besides)
    std::uint64_t seed = 1;
    std::size_t random_pairs = 10000;  ///< per D = 4 and 16, besides the edge cases
    std::size_t full_checks = 20;  ///< mutants accepted at D = 4 checked over all 10^8 pairs
    unsigned threads = 2;
    std::string json_path;
    bool list = false;
};

/// The mutants, drawn from every group (the token embedding's nonzero and zero entries, the
/// position table's, each distinct layer) in turn, so that every layer gets its share; within a
/// group, sites and changes are shuffled by the seed.
std::vector<mutant> draw(options const& o) {
    std::vector<site> const all = mutants::sites<base>();
    std::map<std::pair<int, int>, std::vector<mutant>> groups;  // (layer or −1..−4 for the tables, 0)
    for (site const& s : all) {
        int key = s.layer;
        if (s.layer == mutants::no_layer) key = (s.what == part::token_embedding ? -4 : -2) + (s.original != 0 ? 0 : 1);
        for (std::size_t c = 0; c < mutants::n_changes; ++c) {
            mutant const m{s, static_cast<change>(c)};
            if (m.value() != s.original) groups[{key, 0}].push_back(m);
        }
    }
    std::mt19937_64 rng(o.seed);
    std::vector<std::vector<mutant>> pools;
    for (auto& [key, g] : groups) {
        std::shuffle(g.begin(), g.end(), rng);
        pools.push_back(std::move(g));
    }
    std::vector<mutant> out;
    for (std::size_t i = 0; out.size() < o.count; ++i) {
        bool any = false;
        for (auto const& p : pools)
            if (i < p.size() && out.size() < o.count) out.push_back(p[i]), any = true;
        if (!any) break;
    }
    return out;
}

std::uint64_t pow10(std::size_t d) {
    std::uint64_t p = 1;
    while (d--) p *= 10;
    return p;
}

/// The edge cases of D-digit additions, then `random` random pairs (the same for every mutant).
std::vector<std::pair<std::uint64_t, std::uint64_t>> truth_pairs(std::size_t D, std::size_t random, std::uint64_t seed) {
    std::uint64_t const top = pow10(D) - 1;
    std::vector<std::uint64_t> const values{0, 1, 5, 9, top, top - 1, pow10(D - 1), 5 * pow10(D - 1), top / 9 * 5};
    std::vector<std::pair<std::uint64_t, std::uint64_t>> p;
    for (auto a : values)
        for (auto b : values) p.emplace_back(a, b);  // zeros, all nines, halves
    for (std::size_t k = 1; k <= D; ++k) {  // carry chains of every length, from every place
        p.emplace_back(pow10(k) - 1, 1);
        p.emplace_back(1, pow10(k) - 1);
        p.emplace_back(top - pow10(k - 1) + 1, pow10(k - 1));
        p.emplace_back(pow10(k) - 1, top - pow10(k) + 1);
    }
    std::mt19937_64 rng(seed + D);
    std::uniform_int_distribution<std::uint64_t> any(0, top);
    for (std::size_t k = 0; k < D; ++k)  // one-digit differences
        for (int i = 0; i < 4; ++i) {
            std::uint64_t const a = any(rng);
            std::uint64_t const b = a + pow10(k) <= top ? a + pow10(k) : a - pow10(k);
            p.emplace_back(a, b);
            p.emplace_back(b, a);
        }
    for (std::size_t i = 0; i < random; ++i) p.emplace_back(any(rng), any(rng));
    return p;
}

using pair_list = std::vector<std::pair<std::uint64_t, std::uint64_t>>;

/// Generation as ctformer::add runs it (the plain forward pass), or the checker's walk (its memo
/// replays whole-key-equal passes, check/exact_memo.hpp), on the mutated network.
template <std::size_t D>
struct truth {
    using model = adder<D, build>;
    bool use_walker;
    std::unique_ptr<exact_walker<model>> walker;
    bool right(std::uint64_t a, std::uint64_t b) {
        try {
            if (!use_walker) return adds_correctly<model>(a, b);
            if (!walker) walker = std::make_unique<exact_walker<model>>();
            margins m{};
            return walker->check(a, b, m).right;
        } catch (std::exception const&) {  // an overflow the generation reports is not a sum
            walker.reset();  // a walk cut short leaves its memo half written
            return false;
        }
    }
};

/// Per pair of `pairs` (every D-digit pair when null), whether the mutated network adds it right,
/// stopping at the first wrong one when `stop_at_wrong`; on `threads` threads. Returns the index of
/// the first wrong pair (n when none), and fills `right_of` when given.
template <std::size_t D>
std::uint64_t scan(pair_list const* pairs, bool use_walker, unsigned threads, std::vector<char>* right_of = nullptr) {
    std::uint64_t const n = pairs ? pairs->size() : pow10(2 * D);
    if (right_of) right_of->assign(n, 1);
    std::atomic<std::uint64_t> found{n};
    auto work = [&](unsigned t) {
        truth<D> check{use_walker, nullptr};
        // blocks of consecutive pairs per thread: the walker's memo gains from neighbours
        std::uint64_t const block = 512;
        for (std::uint64_t first = t * block; first < n; first += threads * block)
            for (std::uint64_t i = first; i < first + block && i < n; ++i) {
                if (!right_of && found.load(std::memory_order_relaxed) < i) return;
                auto const [a, b] = pairs ? (*pairs)[i] : std::pair{i / pow10(D), i % pow10(D)};
                if (check.right(a, b)) continue;
                if (right_of) (*right_of)[i] = 0;
                std::uint64_t expected = found.load();
                while (i < expected && !found.compare_exchange_weak(expected, i)) {
                }
            }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
    return found;
}

/// Every 4-digit pair through the checker's walk (check/check.hpp), on `threads` threads: the
/// count added wrong.
std::uint64_t wrong_of_every_4_digit_pair(unsigned threads) {
    using model = adder<4, build>;
    std::atomic<std::uint64_t> wrong{0}, next{0};
    auto work = [&] {
        auto walker = std::make_unique<exact_walker<model>>();
        for (std::uint64_t a; (a = next++) < 10000;)
            check_block<model>(
                *walker, a, 0, 10000, [&](addition_result const& r, margins const&) { wrong += r.right ? 0 : 1; },
                [] { return false; });
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& th : pool) th.join();
    return wrong;
}

struct verdict {
    bool refused = false;  ///< the compiler would refuse the mutated layer (sums not exact)
    std::array<bool, 4> accepted{};  ///< the proof holds, per judged D
    std::array<std::string, 4> why{};  ///< the premise that failed (or the exception)
    std::array<std::optional<std::pair<std::uint64_t, std::uint64_t>>, 4> wrong{};  ///< a pair added wrong
    std::optional<std::pair<std::uint64_t, std::uint64_t>> disagree;  ///< generation and the checker's walk differ
    std::optional<std::uint64_t> wrong_of_all_4_digit;  ///< when checked over all 10^8
};

/// The pairs the truth checks, per judged D: edge cases (both paths), random pairs (the walk).
struct truth_sets {
    std::array<pair_list, 4> edges, random;
};

/// Generation and the checker's walk over the edge cases of D (each pair both ways: a pair on which
/// they differ is a defect of the walk), then the walk over every pair (D ≤ 2) or the random ones.
template <std::size_t D>
void find_truth(verdict& v, std::size_t k, truth_sets const& t, unsigned threads) {
    std::vector<char> by_generation, by_walk;
    scan<D>(&t.edges[k], false, threads, &by_generation);
    scan<D>(&t.edges[k], true, threads, &by_walk);
    for (std::size_t i = 0; i < by_walk.size(); ++i) {
        if (by_walk[i] != by_generation[i] && !v.disagree) v.disagree = t.edges[k][i];
        if ((!by_walk[i] || !by_generation[i]) && !v.wrong[k]) v.wrong[k] = t.edges[k][i];
    }
    if (v.wrong[k]) return;
    pair_list const* rest = D <= 2 ? nullptr : &t.random[k];
    std::uint64_t const n = rest ? rest->size() : pow10(2 * D);
    std::uint64_t const i = scan<D>(rest, D == 2, threads);  // the walk gains on every pair in order, not on random ones
    if (i < n) v.wrong[k] = rest ? (*rest)[i] : std::pair{i / pow10(D), i % pow10(D)};
}

verdict judge(mutant const* m, options const& o, truth_sets const& t) {
    verdict v{};
    if (m ? !mutants::apply<base>(*m) : (mutants::restore<base>(), false)) {
        v.refused = true;
        return v;
    }
    for (std::size_t k = 0; k < judged_digits.size(); ++k) {
        try {
            auto const r = prover::prove(judged_digits[k]);
            v.accepted[k] = r.holds;
            if (!r.holds) v.why[k] = fmt::format("{}: {}", premise_name(r.failure.which), std::string_view(r.failure.what));
        } catch (std::exception const& e) {  // at compile time: the build stops
            v.accepted[k] = false;
            v.why[k] = fmt::format("stopped: {}", e.what());
        }
    }
    find_truth<1>(v, 0, t, o.threads);
    find_truth<2>(v, 1, t, o.threads);
    find_truth<4>(v, 2, t, o.threads);
    find_truth<16>(v, 3, t, o.threads);
    return v;
}

std::string describe(mutant const& m) {
    std::string where = mutants::layer_name<base>(m.where);
    return fmt::format("{} of {} [{}]: {} → {}", mutants::part_names[static_cast<int>(m.where.what)], where, m.where.index,
                       fmt::format("{:.6f}", fixed{m.where.original}.to_double()),
                       fmt::format("{} = {:.6f}", mutants::change_names[static_cast<int>(m.how)], fixed{m.value()}.to_double()));
}

struct tally {
    std::size_t mutants = 0, changing = 0, changing_rejected = 0, preserving = 0, preserving_accepted = 0;
};

/// What the campaign found: the table's counts, and each mutant's record.
struct findings {
    std::array<tally, 4> by_digits{};
    tally any{};
    std::map<std::pair<int, std::string>, tally> by_group;  // (slot, or −1 for the tables; name)
    std::size_t refused = 0, full_checked = 0, holes = 0, disagreements = 0;
    json records = json::array();
};

/// Judges mutant m and counts it: per D, over every D (rejected at each D where it changes an
/// answer), and by where it is. A hole or a walk that differs from generation is told at once.
void judge_and_count(findings& f, mutant const& m, options const& o, truth_sets const& t) {
    verdict v = judge(&m, o, t);
    std::string const group = m.where.layer == mutants::no_layer ? std::string(mutants::part_names[static_cast<int>(m.where.what)])
                                                                  : mutants::layer_name<base>(m.where);
    json rec{{"mutant", describe(m)}, {"layer", group}, {"part", std::string(mutants::part_names[static_cast<int>(m.where.what)])},
             {"index", m.where.index}, {"change", std::string(mutants::change_names[static_cast<int>(m.how)])}};
    if (v.refused) {
        ++f.refused;
        rec["refused"] = true;
        f.records.push_back(rec);
        return;
    }
    bool changes = false, rejected_everywhere_it_changes = true, accepted_all = true;
    json per = json::array();
    for (std::size_t k = 0; k < judged_digits.size(); ++k) {
        auto& d = f.by_digits[k];
        ++d.mutants;
        bool const wrong = v.wrong[k].has_value();
        if (wrong) {
            ++d.changing, changes = true;
            if (!v.accepted[k])
                ++d.changing_rejected;
            else
                rejected_everywhere_it_changes = false;
        } else {
            ++d.preserving;
            if (v.accepted[k]) ++d.preserving_accepted;
        }
        accepted_all = accepted_all && v.accepted[k];
        json one{{"digits", judged_digits[k]}, {"accepted", v.accepted[k]}};
        if (!v.accepted[k]) one["why"] = v.why[k];
        if (wrong) one["wrong"] = fmt::format("{}+{}", v.wrong[k]->first, v.wrong[k]->second);
        per.push_back(one);
    }
    if (v.accepted[2] && !v.wrong[2] && f.full_checked < o.full_checks) {
        ++f.full_checked;
        v.wrong_of_all_4_digit = wrong_of_every_4_digit_pair(o.threads);
        rec["wrong_of_all_4_digit"] = *v.wrong_of_all_4_digit;
        if (*v.wrong_of_all_4_digit != 0) rejected_everywhere_it_changes = false;
    }
    rec["verdicts"] = per;
    if (v.disagree) {
        ++f.disagreements;
        rec["walk_disagrees_on"] = fmt::format("{}+{}", v.disagree->first, v.disagree->second);
        tell(fmt::format("ctformer-mutants: the checker's walk and generation differ on {}+{} under {}\n", v.disagree->first,
                         v.disagree->second, describe(m)));
    }
    ++f.any.mutants;
    auto& g = f.by_group[{m.where.layer == mutants::no_layer ? -1 : int{m.where.layer}, group}];
    ++g.mutants;
    if (changes) {
        ++f.any.changing, ++g.changing;
        if (rejected_everywhere_it_changes) ++f.any.changing_rejected, ++g.changing_rejected;
    } else {
        ++f.any.preserving, ++g.preserving;
        if (accepted_all) ++f.any.preserving_accepted, ++g.preserving_accepted;
    }
    if (!rejected_everywhere_it_changes) {
        ++f.holes;
        tell(fmt::format("ctformer-mutants: HOLE: {} changes an answer and the proof accepts it\n", describe(m)));
    }
    f.records.push_back(rec);
}

std::string report_text(findings const& f, options const& o, truth_sets const& t, std::size_t drawn, double seconds) {
    std::string out = fmt::format(
        "The mutation campaign: {} weight mutants of the seed's network (seed {}; docs/proof.md), each judged by the\n"
        "all-input proof run on it (verdict) and by its answers (truth): every pair for D = 1 and 2, and for D = 4\n"
        "and 16 {} and {} edge cases and {} random pairs{}. Edge cases run through generation and the checker's walk\n"
        "both, every 2-digit pair through the walk, the random pairs through generation.\n\n",
        drawn, o.seed, t.edges[2].size(), t.edges[3].size(), o.random_pairs,
        f.full_checked ? fmt::format("; {} mutants the proof accepts at D = 4 also over all 10^8 pairs", f.full_checked) : "");
    auto line = [](std::string_view name, tally const& c) {
        return fmt::format("  {:<52} {:>8} {:>9} {:>9} {:>10} {:>9}\n", name, c.mutants, c.changing, c.changing_rejected, c.preserving,
                           c.preserving_accepted);
    };
    out += fmt::format("  {:<52} {:>8} {:>9} {:>9} {:>10} {:>9}\n", "", "mutants", "change", "of those", "preserve", "of those");
    out += fmt::format("  {:<52} {:>8} {:>9} {:>9} {:>10} {:>9}\n", "", "", "answers", "rejected", "answers", "accepted");
    for (std::size_t k = 0; k < judged_digits.size(); ++k) out += line(fmt::format("D = {}", judged_digits[k]), f.by_digits[k]);
    out += line("any D (rejected at every D where it changes one)", f.any);
    out += "\n  by where the mutant is:\n";
    for (auto const& [key, c] : f.by_group) out += line(key.second, c);
    out += fmt::format("\n  refused by the compiler (sums no longer exact in 128 bits): {}\n", f.refused);
    out += fmt::format("  holes (a changed answer the proof accepts): {}\n", f.holes);
    out += fmt::format("  edge cases on which the checker's walk and generation differ: {}\n  {:.1f} s\n", f.disagreements, seconds);
    return out;
}

json report_json(findings const& f, options const& o, std::size_t drawn, double seconds) {
    json doc{{"seed", o.seed},
             {"mutants", drawn},
             {"refused", f.refused},
             {"holes", f.holes},
             {"walk_disagreements", f.disagreements},
             {"seconds", number(seconds)},
             {"records", f.records}};
    json table = json::array();
    for (std::size_t k = 0; k < judged_digits.size(); ++k) {
        auto const& c = f.by_digits[k];
        table.push_back(json{{"digits", judged_digits[k]},
                             {"mutants", c.mutants},
                             {"change_answers", c.changing},
                             {"of_those_rejected", c.changing_rejected},
                             {"preserve_answers", c.preserving},
                             {"of_those_accepted", c.preserving_accepted}});
    }
    doc["table"] = table;
    return doc;
}

int run(options const& o) {
    using clock = std::chrono::steady_clock;
    auto const start = clock::now();
    std::vector<mutant> const drawn = draw(o);
    if (o.list) {
        for (auto const& m : drawn) print_out(describe(m) + "\n");
        return exit_ok;
    }
    truth_sets t;
    for (std::size_t k = 0; k < judged_digits.size(); ++k) {
        t.edges[k] = truth_pairs(judged_digits[k], 0, o.seed);
        if (judged_digits[k] > 2) t.random[k] = truth_pairs(judged_digits[k], o.random_pairs, o.seed + 1);
        if (judged_digits[k] > 2) t.random[k].erase(t.random[k].begin(), t.random[k].begin() + static_cast<std::ptrdiff_t>(t.edges[k].size()));
    }
    // the intact network first: accepted everywhere, nothing wrong (else the campaign means nothing)
    verdict const intact = judge(nullptr, o, t);
    for (std::size_t k = 0; k < judged_digits.size(); ++k)
        if (!intact.accepted[k] || intact.wrong[k] || intact.disagree)
            throw std::runtime_error(fmt::format("the intact network is not proven or not right at D = {}: {}", judged_digits[k], intact.why[k]));
    findings f;
    for (mutant const& m : drawn) judge_and_count(f, m, o, t);
    mutants::restore<base>();
    double const seconds = std::chrono::duration<double>(clock::now() - start).count();
    print_out(report_text(f, o, t, drawn.size(), seconds));
    if (!o.json_path.empty()) write_file_atomically(o.json_path, dump(report_json(f, o, drawn.size(), seconds)) + "\n");
    return f.holes == 0 && f.disagreements == 0 ? exit_ok : exit_wrong;
}

}  // namespace
}  // namespace ctformer::tools

int main(int argc, char** argv) {
    using namespace ctformer::tools;
    options o;
    CLI::App app{"ctformer-mutants: weight mutants of the seed's network, each judged by the all-input proof and by generation"};
    app.add_option("--mutants", o.count, "mutants to draw, spread over every layer and the embedding's tables")->check(whole_number)->check(CLI::Range(1, 100000));
    app.add_option("--seed", o.seed, "the draw's and the random pairs' seed")->check(whole_number);
    app.add_option("--random-pairs", o.random_pairs, "random pairs per D = 4 and 16, besides the edge cases")->check(whole_number)->check(CLI::Range(0, 10000000));
    app.add_option("--full-checks", o.full_checks, "mutants accepted at D = 4 that are also checked over all 10^8 pairs")
        ->check(whole_number)->check(CLI::Range(0, 100000));
    app.add_option("--threads", o.threads, "threads for the truth")->check(whole_number)->check(CLI::Range(1, 256));
    app.add_option("--json", o.json_path, "also write every mutant's record and the table here");
    app.add_flag("--list", o.list, "print the drawn mutants and stop");
    try {
        app.parse(argc, argv);
    } catch (CLI::ParseError const& e) {
        return e.get_exit_code() == 0 ? app.exit(e) : (app.exit(e), exit_usage);
    }
    try {
        int const status = run(o);
        return flush_outputs() ? status : exit_failure;
    } catch (...) {
        return exit_status_of_error("ctformer-mutants");
    }
}
