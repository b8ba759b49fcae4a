// tools/commands/bounds.cpp — `ctformer bounds --digits 4`: the bounds analysis's table
// (proof/bounds.hpp), per layer the largest magnitude any value can reach over every valid prompt,
// against Q31.32's capacity. Exit status 1 when a value might not fit.
#include "common/digits.hpp"
#include "common/option_checks.hpp"
#include "commands.hpp"

namespace ctformer::tools {

int run_bounds(bounds_options const& o) {
    adder_ops const& ops = adder_for(o.digits);
    return ops.print_bounds(ops.digits) ? 0 : 1;
}

command bounds_command(CLI::App& ctformer) {
    auto o = std::make_shared<bounds_options>();
    auto* app = ctformer.add_subcommand(
        "bounds", "print the largest value of every layer over all valid prompts, against Q31.32's capacity");
    app->add_option("--digits,-d", o->digits, "operand digit count D (1-16; default 4)")
        ->check(whole_number)->check(CLI::Range(min_digits, max_digits));
    return {app, [o] { return run_bounds(*o); }};
}

}  // namespace ctformer::tools
