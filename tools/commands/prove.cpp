// tools/commands/prove.cpp — `ctformer prove --digits 16 [--program sub] [--json]`: the all-input
// proof (proof/all_inputs.hpp) at run time, the same constexpr functions the static_asserts of
// tests/proofs evaluate (tools/commands/prove.hpp): per premise the cases checked and the smallest
// margin met, per answer row the time its walk took. Exit status 0 when every premise holds (every
// D-digit prompt of the program gets its right answer), 1 when one fails (the failure is named).
#include <iterator>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "common/digits.hpp"
#include "common/option_checks.hpp"
#include "commands.hpp"

namespace ctformer::tools {

int run_prove(prove_options const& o) { return proofs_for(o.program).prove(o.digits, o.json) ? 0 : 1; }

command prove_command(CLI::App& ctformer) {
    auto o = std::make_shared<prove_options>();
    auto* app = ctformer.add_subcommand(
        "prove", "prove every D-digit prompt of a program right at run time, premise by premise (the all-input proof, docs/proof.md)");
    app->add_option("--digits,-d", o->digits,
                    fmt::format("operand digit count D (1-{}; default 4): the programs claim 1-{}; past that the proof "
                                "shows where it fails (add, sub from {} on) or that it still holds",
                                max_digits_prove, max_digits, max_digits + 1))
        ->check(whole_number)->check(CLI::Range(std::size_t{1}, max_digits_prove));
    app->add_option("--program,-p", o->program, "the program to prove: add (default), sub, mul")
        ->check(CLI::IsMember(std::vector<std::string>(std::begin(program_names), std::end(program_names))));
    app->add_flag("--json", o->json, "print the result as JSON");
    return {app, [o] { return run_prove(*o); }};
}

}  // namespace ctformer::tools
