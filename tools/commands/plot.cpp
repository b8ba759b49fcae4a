// tools/commands/plot.cpp — `ctformer plot 0999+0111= -o DIR`: PNG heatmaps of every weight matrix,
// of the residual stream after every layer and of every attention pattern (tools/page/plot.hpp), for
// the program the prompt's operation picks ('+' add, '-' sub, '*' mul).
#include <fmt/core.h>

#include "common/digits.hpp"
#include "common/option_checks.hpp"
#include "page/plot.hpp"
#include "commands.hpp"

namespace ctformer::tools {

namespace {

void write_pictures(plot_set const& p, std::filesystem::path const& root) {
    for (char const* sub : {"weights", "stream", "attention"}) make_directory(root / sub);
    for (auto const& f : p.figures) picture::render(f.map).write_png((root / f.path).string());
    for (auto const& [path, svg] : p.diagrams) write_file(root / path, svg);
}

}  // namespace

int run_plot(plot_options const& o) {
    plot_set const p = make_plots(o.prompt, digits_for(o.digits, o.prompt), program_of_prompt(o.prompt));
    write_pictures(p, o.directory);
    std::size_t attention = 0;
    for (auto const& s : p.steps) attention += !s.attention.empty();
    fmt::print(
        "{} pictures in {}: weights/ (each distinct layer and the unembedding), stream/ (the embedding and {} layers), "
        "attention/ ({}), dataflow.svg and timeline.svg\n",
        p.figures.size() + p.diagrams.size(), o.directory, p.steps.size() - 1, attention);
    return 0;
}

command plot_command(CLI::App& ctformer) {
    auto o = std::make_shared<plot_options>();
    auto* app = ctformer.add_subcommand(
        "plot", "write PNG heatmaps: every weight matrix, the residual stream after every layer, every attention pattern");
    add_prompt_options(*app, o->prompt, o->digits);
    app->add_option("--output,-o", o->directory, "the directory to write into (created if needed)")->check(non_empty)->required();
    return {app, [o] { return run_plot(*o); }};
}

}  // namespace ctformer::tools
