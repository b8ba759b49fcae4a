// tools/commands/common.cpp — what the commands share (tools/commands/commands.hpp).
#include <fmt/core.h>

#include "common/digits.hpp"
#include "common/option_checks.hpp"
#include "commands.hpp"

namespace ctformer::tools {

void make_directory(std::filesystem::path const& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw output_error(fmt::format("cannot create the directory {}: {}", dir.string(), ec.message()));
}

void write_file(std::filesystem::path const& path, std::string const& text) {
    if (path.has_parent_path()) make_directory(path.parent_path());
    write_file_atomically(path.string(), text);
}

void add_prompt_options(CLI::App& app, std::string& prompt, std::size_t& digits) {
    app.add_option("prompt", prompt, "the prompt, e.g. 0999+0111=")->required();
    app.add_option("--digits,-d", digits, "operand digit count D (1-16; default: read from the prompt)")
        ->check(whole_number)->check(CLI::Range(min_digits, max_digits));
}

void add_weights_option(CLI::App& app, std::string& weights) {
    app.add_option("--weights", weights,
                   "run the network in FILE, the JSON `ctformer export --json` writes, edited by hand: every value may change, "
                   "the structure may not; it runs on the reference forward pass and is not proven")
        ->type_name("FILE");
}

std::string not_proven_line(std::string const& weights) {
    return fmt::format("not proven: the network of {} (--weights), run on the reference forward pass\n", weights);
}

std::size_t digits_for(std::size_t digits, std::string const& prompt) { return digits == 0 ? digits_of_prompt(prompt) : digits; }

std::string margins_line(margins const& m) {
    return fmt::format("margins: attention weight {:.6f}, attention gap {:.3f}, copy input {:.3f}, logit gap {:.6f}\n",
                       m.attention_weight.to_double(), m.attention_gap.to_double(), m.copy_input.to_double(), m.logit_gap.to_double());
}

}  // namespace ctformer::tools
