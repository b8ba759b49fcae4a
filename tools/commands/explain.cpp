// tools/commands/explain.cpp — `ctformer explain 0999+0111= -o FILE`: one self-contained HTML page
// that steps through the layers for a prompt (tools/explain.hpp).
#include <fmt/core.h>

#include "../explain.hpp"
#include "commands.hpp"

namespace ctformer::tools {

int run_explain(explain_options const& o) {
    plot_set const p = make_plots(o.prompt, digits_for(o.digits, o.prompt));
    std::string const html = explain_html(p);
    write_file(o.file, html);
    fmt::print("{}: {} steps, {} KiB\n", o.file, p.steps.size(), html.size() / 1024);
    return 0;
}

command explain_command(CLI::App& ctformer) {
    auto o = std::make_shared<explain_options>();
    auto* app =
        ctformer.add_subcommand("explain", "write one self-contained HTML page that steps through the layers for a prompt");
    add_prompt_options(*app, o->prompt, o->digits);
    app->add_option("--output,-o", o->file, "the HTML file to write, e.g. walkthrough.html")->required();
    return {app, [o] { return run_explain(*o); }};
}

}  // namespace ctformer::tools
