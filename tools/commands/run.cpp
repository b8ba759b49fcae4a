// tools/commands/run.cpp — `ctformer run 0999-0111=`: any program's answer, the program picked by the
// prompt's operation ('+' add, '-' sub, '*' mul): the generated text (the answer's digits least significant
// first, then the carry or borrow out, then the end token) and what it means read back to front;
// --tokens stops early, --margins shows the generation's smallest decision margins.
#include <fmt/core.h>

#include <ctformer/ctformer.hpp>

#include "common/digits.hpp"
#include "common/option_checks.hpp"
#include "commands.hpp"

namespace ctformer::tools {

namespace {

/// "0888, borrow out 0": the answer's D digits read back to front, and its top digit. An answer cut
/// short (--tokens) or not made of digits is shown as far as it is digits.
std::string meaning_of(std::string_view answer, std::size_t digits, std::string_view carry_name) {
    std::string low;
    std::size_t i = 0;
    for (; i < answer.size() && i < digits && answer[i] >= '0' && answer[i] <= '9'; ++i) low.insert(low.begin(), answer[i]);
    std::string out = low.empty() ? "(no digits)" : low;
    if (i == digits && i < answer.size() && answer[i] >= '0' && answer[i] <= '9')
        out += fmt::format(", {} out {}", carry_name, answer[i]);
    return out;
}

}  // namespace

int run_run(run_options const& o) {
    std::string_view const program = program_of_prompt(o.prompt);
    program_ops const& ops = program_for(program, digits_for(o.digits, o.prompt), o.weights);
    auto const g = ops.generate(o.prompt, o.tokens == 0 ? ops.answer_length : o.tokens);
    // The text ends with the end token '\n' when the network produced it.
    fmt::print("{}{}", g.view(), g.view().ends_with('\n') ? "" : "\n");
    fmt::print("{} (the answer's digits read back to front): {}\n", program, meaning_of(g.answer(), ops.digits, ops.carry_name));
    if (o.margins)
        fmt::print("{}", margins_line(g.margin));
    if (!o.weights.empty()) fmt::print("{}", not_proven_line(o.weights));
    return 0;
}

command run_command(CLI::App& ctformer) {
    auto o = std::make_shared<run_options>();
    auto* app = ctformer.add_subcommand(
        "run", "run the program a prompt is written for: DDDD+DDDD= adds, DDDD-DDDD= subtracts, DDDD*D= multiplies by a digit "
               "(the answer reversed, then the carry or borrow out)");
    add_prompt_options(*app, o->prompt, o->digits);
    add_weights_option(*app, o->weights);
    app->add_option("--tokens,-n", o->tokens,
                    "stop after this many tokens (default: D + 2, the whole answer; generation always stops at the end token)")
        ->check(whole_number)->check(CLI::Range(1, 40));
    app->add_flag("--margins", o->margins, "print the smallest decision margins of this generation");
    return {app, [o] { return run_run(*o); }};
}

}  // namespace ctformer::tools
