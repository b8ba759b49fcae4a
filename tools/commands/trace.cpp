// tools/commands/trace.cpp — `ctformer trace 0999+0111=`: for each generated token, the last row's
// registers after every layer, decoded (tools/page/trace.hpp); --json for programs, with each
// register's entries as numbers beside its words. The prompt's operation picks the program ('+'
// add, '-' sub, '*' mul).
#include <cstdio>

#include <fmt/core.h>

#include <ctformer/ctformer.hpp>

#include "common/digits.hpp"
#include "page/trace.hpp"
#include "common/option_checks.hpp"
#include "commands.hpp"

namespace ctformer::tools {

int run_trace(trace_options const& o) {
    program_ops const& ops = program_for(program_of_prompt(o.prompt), digits_for(o.digits, o.prompt), o.weights);
    auto const t = ops.trace(o.prompt, o.tokens == 0 ? ops.answer_length : o.tokens);
    if (o.json)
        fmt::print("{}", trace_json(t));
    else
        print_trace(t);
    // (beside JSON, on standard error: the document stays what the built-in network's is)
    if (!o.weights.empty()) fmt::print(o.json ? stderr : stdout, "{}", not_proven_line(o.weights));
    return 0;
}

command trace_command(CLI::App& ctformer) {
    auto o = std::make_shared<trace_options>();
    auto* app = ctformer.add_subcommand("trace", "show the last row's registers after every layer, for each generated token");
    add_prompt_options(*app, o->prompt, o->digits);
    add_weights_option(*app, o->weights);
    app->add_option("--tokens,-n", o->tokens, "trace at most this many generated tokens (default: D + 2, up to the end token)")
        ->check(whole_number)->check(CLI::Range(1, 40));
    app->add_flag("--json", o->json, "print the trace as JSON, each register in words and as numbers");
    return {app, [o] { return run_trace(*o); }};
}

}  // namespace ctformer::tools
