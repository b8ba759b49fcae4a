// tools/commands/add.cpp — `ctformer add 0999+0111=`: the generated answer (the sum reversed, as the
// seed writes it, and the end token) and the sum it means; --tokens stops early, --margins shows
// the generation's smallest decision margins.
#include <fmt/core.h>

#include <ctformer/ctformer.hpp>

#include "common/digits.hpp"
#include "common/option_checks.hpp"
#include "commands.hpp"

namespace ctformer::tools {

namespace {

/// The sum an answer means: its digits before the end token, read back to front.
std::string sum_of(std::string_view answer) {
    std::string digits;
    for (char c : answer) {
        if (c < '0' || c > '9') break;
        digits += c;
    }
    return {digits.rbegin(), digits.rend()};
}

}  // namespace

int run_add(add_options const& o) {
    program_ops const& adder = program_for(addition::name, digits_for(o.digits, o.prompt), o.weights);
    auto const g = adder.generate(o.prompt, o.tokens == 0 ? adder.answer_length : o.tokens);
    // The text ends with the end token '\n' when the network produced it.
    fmt::print("{}{}", g.view(), g.view().ends_with('\n') ? "" : "\n");
    fmt::print("sum (the answer's digits read back to front): {}\n", sum_of(g.answer()));
    if (o.margins)
        fmt::print("{}", margins_line(g.margin));
    if (!o.weights.empty()) fmt::print("{}", not_proven_line(o.weights));
    return 0;
}

command add_command(CLI::App& ctformer) {
    auto o = std::make_shared<add_options>();
    auto* app = ctformer.add_subcommand("add", "generate the sum of a prompt DDDD+DDDD= (reversed, as the seed does)");
    add_prompt_options(*app, o->prompt, o->digits);
    add_weights_option(*app, o->weights);
    app->add_option("--tokens,-n", o->tokens,
                    "stop after this many tokens (default: D + 2, the whole answer; generation always stops at the end token)")
        ->check(whole_number)->check(CLI::Range(1, 40));
    app->add_flag("--margins", o->margins, "print the smallest decision margins of this generation");
    return {app, [o] { return run_add(*o); }};
}

}  // namespace ctformer::tools
