// tools/commands/explain.cpp — `ctformer explain 0999+0111= -o FILE`: one self-contained HTML page
// that steps through the layers for a prompt of any program, picked by its operation (0999-0111=,
// 0999*7=: tools/page/explain.hpp); with --presets, also for the presets, with a chooser.
#include <stdexcept>

#include <fmt/core.h>

#include "common/digits.hpp"
#include "page/explain.hpp"
#include "common/io.hpp"
#include "common/option_checks.hpp"
#include "commands.hpp"

namespace ctformer::tools {

int run_explain(explain_options const& o) {
    if (o.prompt.empty() && !o.presets) throw std::invalid_argument("explain: give a prompt, --presets, or both");
    if (o.prompt.empty() && o.digits != 0) throw std::invalid_argument("explain: --digits applies to a prompt given on the command line");
    refuse_special_file(o.file, "--output");  // before the work: a device, a FIFO or a link is not replaced
    std::vector<explained_prompt> prompts;
    auto plots = [&](std::string const& prompt, std::size_t digits, std::string_view program) {
        return program_for(program, digits, o.weights).plots(prompt);
    };
    if (!o.prompt.empty()) prompts.emplace_back(o.prompt, plots(o.prompt, digits_for(o.digits, o.prompt), program_of_prompt(o.prompt)));
    if (o.presets)
        for (auto const& [label, prompt] : explain_presets()) prompts.emplace_back(label, plots(prompt, digits_of_prompt(prompt), addition::name));
    std::string const html = explain_html(prompts);
    write_file(o.file, html);
    std::size_t steps = 0;
    for (auto const& [label, p] : prompts) steps += p.steps.size();
    fmt::print("{}: {} prompt{}, {} steps, {} KiB\n", o.file, prompts.size(), prompts.size() == 1 ? "" : "s", steps, html.size() / 1024);
    if (!o.weights.empty()) fmt::print("{}", not_proven_line(o.weights));
    return 0;
}

command explain_command(CLI::App& ctformer) {
    auto o = std::make_shared<explain_options>();
    auto* app =
        ctformer.add_subcommand("explain", "write one self-contained HTML page that steps through the layers for a prompt");
    app->add_option("prompt", o->prompt,
                    "the prompt of any program, e.g. 0999+0111=, 0999-0111=, 0999*7= (shown first; optional with --presets)");
    app->add_option("--digits,-d", o->digits, "operand digit count D of the prompt (1-16; default: read from the prompt)")
        ->check(whole_number)->check(CLI::Range(min_digits, max_digits));
    app->add_flag("--presets", o->presets,
                  "also the presets, a chooser switching between them: a carry chain, a carry-out, no carry, 8 digits");
    app->add_option("--output,-o", o->file, "the HTML file to write, e.g. walkthrough.html")->check(non_empty)->required();
    add_weights_option(*app, o->weights);
    return {app, [o] { return run_explain(*o); }};
}

}  // namespace ctformer::tools
