// tools/commands/bounds.cpp — `ctformer bounds --digits 4 [--program sub]`: the bounds analysis's
// table (proof/bounds.hpp), per layer the largest magnitude any value can reach over every valid
// prompt, against Q31.32's capacity. Exit status 1 when a value might not fit.
#include <iterator>
#include <string>
#include <vector>

#include "common/digits.hpp"
#include "common/option_checks.hpp"
#include "commands.hpp"

namespace ctformer::tools {

int run_bounds(bounds_options const& o) {
    require_digits(o.digits);
    return proofs_for(o.program).bounds(o.digits) ? 0 : 1;
}

command bounds_command(CLI::App& ctformer) {
    auto o = std::make_shared<bounds_options>();
    auto* app = ctformer.add_subcommand(
        "bounds", "print the largest value of every layer over all valid prompts, against Q31.32's capacity");
    app->add_option("--digits,-d", o->digits, "operand digit count D (1-16; default 4)")
        ->check(whole_number)->check(CLI::Range(min_digits, max_digits));
    app->add_option("--program,-p", o->program, "the program whose network to analyse: add (default), sub, mul")
        ->check(CLI::IsMember(std::vector<std::string>(std::begin(program_names), std::end(program_names))));
    return {app, [o] { return run_bounds(*o); }};
}

}  // namespace ctformer::tools
