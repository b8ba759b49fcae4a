// tools/commands/prove.cpp — `ctformer prove --digits 16 [--json]`: the all-input proof
// (proof/all_inputs.hpp) at run time, the same constexpr functions the static_asserts of
// tests/proofs evaluate: per premise the cases checked and the smallest margin met, per answer row
// the time its walk took. Exit status 0 when every premise holds (every D-digit addition is right),
// 1 when one fails (the failure is named).
#include <chrono>
#include <memory>
#include <string>

#include <fmt/core.h>

#include <ctformer/ctformer.hpp>

#include "common/json.hpp"
#include "common/option_checks.hpp"
#include "commands.hpp"

namespace ctformer::tools {

namespace {

using prover = all_inputs<seed_weights>;

/// What the answer row r of a D-digit addition predicts.
std::string predicts(std::size_t digits, std::size_t r) {
    if (r == 3 * digits + 2) return "'\\n'";
    if (r == 3 * digits + 1) return "the carry-out digit";
    return fmt::format("digit {} of the sum (from the right)", r - 2 * digits);
}

std::string margin_text(fixed m) { return m == no_margin_yet ? std::string("-") : fmt::format("{:.4f}", m.to_double()); }

}  // namespace

int run_prove(prove_options const& o) {
    using clock = std::chrono::steady_clock;
    std::size_t const D = o.digits;
    auto const start = clock::now();
    all_inputs_report total{};
    total[premise::dependency].cases = prover::dependency.cases;
    if (!prover::dependency.holds) total.holds = false, total.failure = prover::dependency.failure;
    json rows = json::array();
    std::string row_lines;
    auto const trace = std::make_unique<prover::generation_trace>(prover::trace_for(D));  // premise path's record
    for (std::size_t r = 2 * D + 1; total.holds && r <= 3 * D + 2; ++r) {
        auto const t0 = clock::now();
        auto const one = prover::prove_row(D, r, *trace);
        double const seconds = std::chrono::duration<double>(clock::now() - t0).count();
        total.merge(one);
        rows.push_back(json{{"row", r}, {"predicts", predicts(D, r)}, {"holds", one.holds}, {"seconds", number(seconds)}});
        row_lines += fmt::format("  {:>4}  {:<36}  {:<5}  {:>8.2f}\n", r, predicts(D, r), one.holds ? "holds" : "FAILS", seconds * 1e3);
    }
    double const seconds = std::chrono::duration<double>(clock::now() - start).count();
    auto const& f = total.failure;
    if (o.json) {
        json premises = json::array();
        for (std::size_t k = 0; k < premise_count; ++k) {
            auto const p = static_cast<premise>(k);
            premises.push_back(json{{"premise", std::string(premise_name(p))},
                                    {"claim", std::string(premise_claim(p))},
                                    {"cases", total[p].cases},
                                    {"credited", total[p].credited},
                                    {"smallest_margin", total[p].margin == no_margin_yet ? json(nullptr) : number(total[p].margin.to_double())}});
        }
        json doc{{"digits", D}, {"additions", fmt::format("10^{}", 2 * D)}, {"holds", total.holds}, {"premises", premises},
                 {"rows", rows}, {"seconds", number(seconds)}};
        if (!total.holds)
            doc["failure"] = json{{"premise", std::string(premise_name(f.which))}, {"row", f.row}, {"pass", f.pass},
                                  {"column", f.column}, {"layer", std::string(f.layer)}, {"what", std::string(f.what)}};
        fmt::print("{}\n", dump(doc));
        return total.holds ? 0 : 1;
    }
    fmt::print("The all-input proof for {}-digit additions (all 10^{} of them; docs/proof.md):\n\n", D, 2 * D);
    fmt::print("  {:<10}  {:>10}  {:>10}  {:>15}  {}\n", "premise", "evaluated", "credited", "smallest margin", "claim");
    for (std::size_t k = 0; k < premise_count; ++k) {
        auto const p = static_cast<premise>(k);
        fmt::print("  {:<10}  {:>10}  {:>10}  {:>15}  {}\n", premise_name(p), total[p].cases, total[p].credited,
                   margin_text(total[p].margin), premise_claim(p));
    }
    fmt::print("\n  evaluated: runs of a compiled layer (or a check of the embedding, a key, a digest) this proof did;\n"
               "  credited: cases covered by a rule learnt from evaluated cases of the same layer, fingerprint and value\n"
               "  sets (docs/proof.md, Lemma R), or by a table evaluated once (digit-free keys)\n");
    fmt::print("\n  {:>4}  {:<36}  {:<5}  {:>8}\n{}", "row", "predicts", "", "ms", row_lines);
    if (total.holds)
        fmt::print("\nproven: every {}-digit addition gives the sum's {} digits, least significant first, then '\\n' ({:.2f} s)\n",
                   D, D + 1, seconds);
    else
        fmt::print("\nNOT PROVEN: premise {} fails in answer row {}, pass {} (0 prologue, 1..{} body, {} epilogue), layer {}: {}\n",
                   premise_name(f.which), f.row, f.pass, D, D + 1, f.layer, f.what);
    return total.holds ? 0 : 1;
}

command prove_command(CLI::App& ctformer) {
    auto o = std::make_shared<prove_options>();
    auto* app = ctformer.add_subcommand(
        "prove", "prove every D-digit addition right at run time, premise by premise (the all-input proof, docs/proof.md)");
    app->add_option("--digits,-d", o->digits,
                    fmt::format("operand digit count D (1-{}; default 4): the adder supports 1-{}, from {} on the proof "
                                "shows where it fails",
                                max_digits_prove, max_digits, max_digits + 1))
        ->check(whole_number)->check(CLI::Range(std::size_t{1}, max_digits_prove));
    app->add_flag("--json", o->json, "print the result as JSON");
    return {app, [o] { return run_prove(*o); }};
}

}  // namespace ctformer::tools
