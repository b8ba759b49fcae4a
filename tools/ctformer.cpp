// ctformer — run the constexpr adder on a prompt.
//
//   ctformer add 0999+0111=             → 0999+0111=01110 and the end token, and the sum it means
//   ctformer add 0999+0111= --tokens 3  → stop after three tokens
//   ctformer trace 0999+0111=           → the registers after every layer, decoded
//   ctformer export --json              → the network as data
//   ctformer plot 0999+0111= -o DIR     → PNG heatmaps: weights, the stream after each layer, attention
//   ctformer explain 0999+0111= -o F    → one self-contained HTML page that steps through the layers
//   ctformer bounds --digits 4          → the largest value of every layer over all valid prompts
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "bounds.hpp"
#include "digits.hpp"
#include "explain.hpp"
#include "export.hpp"
#include "plot.hpp"
#include "trace.hpp"

namespace {

int run_add(std::string const& prompt, std::size_t digits, std::size_t tokens, bool show_margins) {
    return ctformer::tools::with_digits(digits, [&](auto model) {
        using Model = decltype(model);
        std::size_t const count = tokens == 0 ? Model::answer_length : tokens;
        auto const g = ctformer::generate<Model>(prompt, count);
        // The text ends with the end token '\n' when the network produced it.
        fmt::print("{}{}", g.view(), g.view().ends_with('\n') ? "" : "\n");
        // The answer is the sum reversed: read the generated digits before '\n' back to front.
        std::string digits_out;
        for (char c : g.answer()) {
            if (c < '0' || c > '9') break;
            digits_out += c;
        }
        std::string const sum(digits_out.rbegin(), digits_out.rend());
        fmt::print("sum (the answer's digits read back to front): {}\n", sum);
        if (show_margins)
            fmt::print("margins: attention weight {:.6f}, attention gap {:.3f}, copy input {:.3f}, logit gap {:.6f}\n",
                       g.margin.attention_weight.to_double(), g.margin.attention_gap.to_double(),
                       g.margin.copy_input.to_double(), g.margin.logit_gap.to_double());
        return 0;
    });
}

int run_trace(std::string const& prompt, std::size_t digits, std::size_t tokens, bool json) {
    return ctformer::tools::with_digits(digits, [&](auto model) {
        using Model = decltype(model);
        auto const t = ctformer::tools::trace<Model>(ctformer::parse_prompt<Model::digits>(prompt), tokens == 0 ? Model::answer_length : tokens);
        if (json) fmt::print("{}", ctformer::tools::trace_json<Model>(t));
        else ctformer::tools::print_trace<Model>(t);
        return 0;
    });
}

/// A failure to write the output (a path that cannot be created or written): exit status 2.
struct output_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

void make_directory(std::filesystem::path const& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw output_error(fmt::format("cannot create the directory {}: {}", dir.string(), ec.message()));
}

int run_plot(std::string const& prompt, std::size_t digits, std::string const& dir) {
    return ctformer::tools::with_digits(digits, [&](auto model) {
        using Model = decltype(model);
        auto const p = ctformer::tools::make_plots<Model>(ctformer::parse_prompt<Model::digits>(prompt));
        std::filesystem::path const root(dir);
        for (char const* sub : {"weights", "stream", "attention"}) make_directory(root / sub);
        for (auto const& f : p.figures) {
            auto const path = (root / f.path).string();
            try {
                ctformer::tools::picture::render(f.map).write_png(path);
            } catch (std::runtime_error const& e) {
                throw output_error(e.what());
            }
        }
        std::size_t attention = 0;
        for (auto const& s : p.steps) attention += !s.attention.empty();
        fmt::print("{} pictures in {}: weights/ (each distinct layer and the unembedding), stream/ (the embedding and {} layers), attention/ ({})\n",
                   p.figures.size(), dir, p.steps.size() - 1, attention);
        return 0;
    });
}

int run_explain(std::string const& prompt, std::size_t digits, std::string const& file) {
    return ctformer::tools::with_digits(digits, [&](auto model) {
        using Model = decltype(model);
        auto const p = ctformer::tools::make_plots<Model>(ctformer::parse_prompt<Model::digits>(prompt));
        std::string const html = ctformer::tools::explain_html<Model>(p);
        std::filesystem::path const path(file);
        if (path.has_parent_path()) make_directory(path.parent_path());
        std::ofstream out(path, std::ios::binary);
        if (out) out.write(html.data(), static_cast<std::streamsize>(html.size()));
        if (!out) throw output_error(fmt::format("cannot write {}", file));
        fmt::print("{}: {} steps, {} KiB\n", file, p.steps.size(), html.size() / 1024);
        return 0;
    });
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"ctformer: a transformer whose weights are computed and whose forward pass the compiler evaluates"};
    app.require_subcommand(0, 1);

    std::string prompt;
    std::size_t digits = 0, tokens = 0;
    bool margins = false;
    auto* add = app.add_subcommand("add", "generate the sum of a prompt DDDD+DDDD= (reversed, as the seed does)");
    add->add_option("prompt", prompt, "the prompt, e.g. 0999+0111=")->required();
    add->add_option("--digits,-d", digits, "operand digit count D (1-8; default: read from the prompt)")->check(CLI::Range(1, 8));
    add->add_option("--tokens,-n", tokens, "stop after this many tokens (default: D + 2, the whole answer; generation always stops at the end token)")->check(CLI::Range(1, 40));
    add->add_flag("--margins", margins, "print the smallest decision margins of this generation");

    std::string trace_prompt;
    std::size_t trace_digits = 0, trace_tokens = 0;
    bool trace_json = false;
    auto* trace = app.add_subcommand("trace", "show the last row's registers after every layer, for each generated token");
    trace->add_option("prompt", trace_prompt, "the prompt, e.g. 0999+0111=")->required();
    trace->add_option("--digits,-d", trace_digits, "operand digit count D (1-8; default: read from the prompt)")->check(CLI::Range(1, 8));
    trace->add_option("--tokens,-n", trace_tokens, "trace at most this many generated tokens (default: D + 2, up to the end token)")->check(CLI::Range(1, 40));
    trace->add_flag("--json", trace_json, "print the trace as JSON");

    std::size_t export_digits = 4;
    bool export_json = false;
    auto* exp = app.add_subcommand("export", "write the network — layout, every weight matrix, the unembedding — for other tools");
    exp->add_option("--digits,-d", export_digits, "operand digit count D, for the program order (1-8; default 4)")->check(CLI::Range(1, 8));
    exp->add_flag("--json", export_json, "JSON (the only format)")->required();

    std::string plot_prompt, plot_dir;
    std::size_t plot_digits = 0;
    auto* plot = app.add_subcommand("plot", "write PNG heatmaps: every weight matrix, the residual stream after every layer, every attention pattern");
    plot->add_option("prompt", plot_prompt, "the prompt, e.g. 0999+0111=")->required();
    plot->add_option("--output,-o", plot_dir, "the directory to write into (created if needed)")->required();
    plot->add_option("--digits,-d", plot_digits, "operand digit count D (1-8; default: read from the prompt)")->check(CLI::Range(1, 8));

    std::string explain_prompt, explain_file;
    std::size_t explain_digits = 0;
    auto* explain = app.add_subcommand("explain", "write one self-contained HTML page that steps through the layers for a prompt");
    explain->add_option("prompt", explain_prompt, "the prompt, e.g. 0999+0111=")->required();
    explain->add_option("--output,-o", explain_file, "the HTML file to write, e.g. walkthrough.html")->required();
    explain->add_option("--digits,-d", explain_digits, "operand digit count D (1-8; default: read from the prompt)")->check(CLI::Range(1, 8));

    std::size_t bounds_digits = 4;
    auto* bounds = app.add_subcommand("bounds", "print the largest value of every layer over all valid prompts, against Q31.32's capacity");
    bounds->add_option("--digits,-d", bounds_digits, "operand digit count D (1-8; default 4)")->check(CLI::Range(1, 8));

    try {
        app.parse(argc, argv);
    } catch (CLI::ParseError const& e) {
        int const code = app.exit(e);
        return code == 0 ? 0 : 2;
    }
    try {
        if (add->parsed()) {
            if (digits == 0) digits = ctformer::tools::digits_of_prompt(prompt);
            return run_add(prompt, digits, tokens, margins);
        }
        if (trace->parsed()) {
            if (trace_digits == 0) trace_digits = ctformer::tools::digits_of_prompt(trace_prompt);
            return run_trace(trace_prompt, trace_digits, trace_tokens, trace_json);
        }
        if (exp->parsed())
            return ctformer::tools::with_digits(export_digits, [&](auto model) {
                fmt::print("{}", ctformer::tools::export_json<decltype(model)>());
                return 0;
            });
        if (plot->parsed()) {
            if (plot_digits == 0) plot_digits = ctformer::tools::digits_of_prompt(plot_prompt);
            return run_plot(plot_prompt, plot_digits, plot_dir);
        }
        if (explain->parsed()) {
            if (explain_digits == 0) explain_digits = ctformer::tools::digits_of_prompt(explain_prompt);
            return run_explain(explain_prompt, explain_digits, explain_file);
        }
        if (bounds->parsed())
            return ctformer::tools::with_digits(bounds_digits, [&](auto model) { return ctformer::tools::print_bounds<decltype(model)>() ? 0 : 1; });
        fmt::print(stderr, "ctformer: no command given; expected one of: add, trace, export, plot, explain, bounds (see --help)\n");
        return 2;
    } catch (ctformer::prompt_error const& e) {
        fmt::print(stderr, "ctformer: {}\n", e.what());
        return 2;
    } catch (output_error const& e) {
        fmt::print(stderr, "ctformer: {}\n", e.what());
        return 2;
    } catch (std::invalid_argument const& e) {
        fmt::print(stderr, "ctformer: {}\n", e.what());
        return 2;
    } catch (std::exception const& e) {
        fmt::print(stderr, "ctformer: internal error: {}\n", e.what());
        return 1;
    }
    return 0;
}
