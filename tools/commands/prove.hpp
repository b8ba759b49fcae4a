// tools/commands/prove.hpp — what `ctformer prove` runs for one program: the all-input proof
// (proof/all_inputs.hpp) at run time, the same constexpr functions the static_asserts of
// tests/proofs evaluate, instantiated once per program (tools/programs/proofs_*.cpp) and called
// through program_proofs::prove (tools/common/digits.hpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include <fmt/core.h>

#include <ctformer/ctformer.hpp>

#include "common/json.hpp"

namespace ctformer::tools {

/// What answer row r of a D-digit prompt of P predicts.
template <program P>
std::string predicts(std::size_t digits, std::size_t r) {
    using shape = prompt_shape<P>;
    if (r == shape::last_answer_row(digits)) return "'\\n'";
    if (r + 1 == shape::last_answer_row(digits)) return fmt::format("the {}-out digit", P::carry_name);
    return fmt::format("digit {} of the result (from the right)", r - shape::first_answer_row(digits) + 1);
}

inline std::string margin_text(fixed m) { return m == no_margin_yet ? std::string("-") : fmt::format("{:.4f}", m.to_double()); }

/// "10^8": how many prompts of D digits P has.
template <program P>
std::string input_count(std::size_t digits) {
    return fmt::format("10^{}", digits + prompt_shape<P>::second_digits(digits));
}

/// The proof's result for every premise and row, as JSON.
inline json prove_json(std::size_t digits, std::string_view name, std::string const& inputs, all_inputs_report const& total,
                       json rows, double seconds) {
    json premises = json::array();
    for (std::size_t k = 0; k < premise_count; ++k) {
        auto const p = static_cast<premise>(k);
        premises.push_back(json{{"premise", std::string(premise_name(p))},
                                {"claim", std::string(premise_claim(p))},
                                {"cases", total[p].cases},
                                {"credited", total[p].credited},
                                {"smallest_margin", total[p].margin == no_margin_yet ? json(nullptr) : number(total[p].margin.to_double())}});
    }
    json doc{{"program", std::string(name)}, {"digits", digits}, {"prompts", inputs}, {"holds", total.holds},
             {"premises", premises}, {"rows", std::move(rows)}, {"seconds", number(seconds)}};
    if (!total.holds) {
        auto const& f = total.failure;
        doc["failure"] = json{{"premise", std::string(premise_name(f.which))}, {"row", f.row}, {"pass", f.pass},
                              {"column", f.column}, {"layer", std::string(f.layer)}, {"what", std::string(f.what)}};
    }
    return doc;
}

/// The proof's result as a table.
inline void print_premises(all_inputs_report const& total) {
    fmt::print("  {:<10}  {:>10}  {:>10}  {:>15}  {}\n", "premise", "evaluated", "credited", "smallest margin", "claim");
    for (std::size_t k = 0; k < premise_count; ++k) {
        auto const p = static_cast<premise>(k);
        fmt::print("  {:<10}  {:>10}  {:>10}  {:>15}  {}\n", premise_name(p), total[p].cases, total[p].credited,
                   margin_text(total[p].margin), premise_claim(p));
    }
    fmt::print("\n  evaluated: runs of a compiled layer (or a check of the embedding, a key, a digest) this proof did;\n"
               "  credited: cases covered by a rule learnt from evaluated cases of the same layer, fingerprint and value\n"
               "  sets (docs/proof.md, Lemma R), or by a table evaluated once (digit-free keys)\n");
}

/// Runs the all-input proof of P's network for D-digit prompts, answer row by answer row, and prints
/// the result (a table, or JSON); returns whether every premise holds.
template <program P>
bool prove_program(std::size_t D, bool as_json) {
    using prover = all_inputs<typename P::build>;
    using shape = prompt_shape<P>;
    using clock = std::chrono::steady_clock;
    auto const start = clock::now();
    all_inputs_report total{};
    total[premise::dependency].cases = prover::dependency.cases;
    if (!prover::dependency.holds) total.holds = false, total.failure = prover::dependency.failure;
    json rows = json::array();
    std::string row_lines;
    auto const trace = std::make_unique<typename prover::generation_trace>(prover::trace_for(D));  // premise path's record
    for (std::size_t r = shape::first_answer_row(D); total.holds && r <= shape::last_answer_row(D); ++r) {
        auto const t0 = clock::now();
        auto const one = prover::prove_row(D, r, *trace);
        double const seconds = std::chrono::duration<double>(clock::now() - t0).count();
        total.merge(one);
        rows.push_back(json{{"row", r}, {"predicts", predicts<P>(D, r)}, {"holds", one.holds}, {"seconds", number(seconds)}});
        row_lines += fmt::format("  {:>4}  {:<38}  {:<5}  {:>8.2f}\n", r, predicts<P>(D, r), one.holds ? "holds" : "FAILS", seconds * 1e3);
    }
    double const seconds = std::chrono::duration<double>(clock::now() - start).count();
    std::string const inputs = input_count<P>(D);
    if (as_json) {
        fmt::print("{}\n", dump(prove_json(D, P::name, inputs, total, std::move(rows), seconds)));
        return total.holds;
    }
    fmt::print("The all-input proof of {} for {}-digit {}s (all {} of them; docs/proof.md):\n\n", P::name, D, P::noun, inputs);
    print_premises(total);
    fmt::print("\n  {:>4}  {:<38}  {:<5}  {:>8}\n{}", "row", "predicts", "", "ms", row_lines);
    auto const& f = total.failure;
    if (total.holds)
        fmt::print("\nproven: every {}-digit {} gives its answer's {} digits, least significant first (the {} out last), "
                   "then '\\n' ({:.2f} s){}\n",
                   D, P::noun, D + 1, P::carry_name, seconds,
                   D > P::max_digits ? fmt::format("; beyond the {} digits the program claims (max_digits)", P::max_digits) : "");
    else
        fmt::print("\nNOT PROVEN: premise {} fails in answer row {}, pass {} (0 prologue, 1..{} body, {} epilogue), layer {}: {}\n",
                   premise_name(f.which), f.row, f.pass, D, D + 1, f.layer, f.what);
    return total.holds;
}

}  // namespace ctformer::tools
