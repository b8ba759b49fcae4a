// tools/commands/export.cpp — `ctformer export --json`: the network as data, for other
// interpretability tools (the document: tools/commands/export.hpp).
#include <iterator>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "common/digits.hpp"
#include "common/option_checks.hpp"
#include "commands.hpp"

namespace ctformer::tools {

int run_export(export_options const& o) {
    fmt::print("{}", program_for(o.program, o.digits).export_json());
    return 0;
}

command export_command(CLI::App& ctformer) {
    auto o = std::make_shared<export_options>();
    auto* app =
        ctformer.add_subcommand("export", "write the network — layout, every weight matrix, the unembedding — for other tools");
    app->add_option("--digits,-d", o->digits, "operand digit count D, for the program order (1-16; default 4)")
        ->check(whole_number)->check(CLI::Range(min_digits, max_digits));
    app->add_option("--program,-p", o->program, "the program whose network to write: add (default), sub, mul")
        ->check(CLI::IsMember(std::vector<std::string>(std::begin(program_names), std::end(program_names))));
    app->add_flag("--json", o->json, "JSON (the only format)")->required();
    return {app, [o] { return run_export(*o); }};
}

}  // namespace ctformer::tools
