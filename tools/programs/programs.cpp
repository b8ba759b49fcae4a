// tools/programs/programs.cpp — the programs the `ctformer` command runs, by name and digit count
// (tools/common/digits.hpp): each program's entries come from its unit (tools/programs/run_*.cpp), its
// proofs from another (tools/programs/proofs_*.cpp); every unit takes the digit count at run time.
#include <array>
#include <string>

#include <ctformer/ctformer.hpp>

#include "common/digits.hpp"
#include "page/plot.hpp"
#include "page/trace.hpp"

namespace ctformer::tools {

program_ops::entries const& addition_entries();
program_ops::entries const& subtraction_entries();
program_ops::entries const& multiplication_entries();

program_proofs const& addition_proofs();
program_proofs const& subtraction_proofs();
program_proofs const& multiplication_proofs();

generation<max_rows> program_ops::generate(std::string_view prompt, std::size_t count) const { return run->generate(digits, prompt, count); }
trace_result program_ops::trace(std::string_view prompt, std::size_t count) const { return run->trace(digits, prompt, count); }
plot_set program_ops::plots(std::string_view prompt) const { return run->plots(digits, prompt); }
std::string program_ops::export_json() const { return run->export_json(digits); }

namespace {

/// Program P's operations for every digit count.
template <program P>
std::array<program_ops, max_digits> program_table(program_ops::entries const& entries) {
    std::array<program_ops, max_digits> table{};
    for (std::size_t d = 1; d <= max_digits; ++d) {
        program_ops& ops = table[d - 1];
        ops.program = P::name;
        ops.carry_name = P::carry_name;
        ops.digits = d;
        ops.answer_length = prompt_shape<P>::answer_length(d);
        ops.run = &entries;
    }
    return table;
}

}  // namespace

program_ops const& adder_for(std::size_t d) { return program_for(addition::name, d); }

std::string_view program_of_prompt(std::string const& prompt) {
    for (char c : prompt) {
        if (c >= '0' && c <= '9') continue;
        if (c == operation_symbol<subtraction>) return subtraction::name;
        if (c == operation_symbol<multiplication>) return multiplication::name;
        break;
    }
    return addition::name;
}

namespace {
[[noreturn]] void unknown_program(std::string_view name) {
    std::string known;
    for (auto n : program_names) known += (known.empty() ? "" : ", ") + std::string(n);
    throw std::invalid_argument("unknown program \"" + std::string(name) + "\"; the programs are " + known);
}
}  // namespace

program_ops const& program_for(std::string_view name, std::size_t d) {
    static auto const add = program_table<addition>(addition_entries());
    static auto const sub = program_table<subtraction>(subtraction_entries());
    static auto const mul = program_table<multiplication>(multiplication_entries());
    std::array<program_ops, max_digits> const* table = name == addition::name      ? &add
                                                     : name == subtraction::name ? &sub
                                                     : name == multiplication::name ? &mul
                                                                                    : nullptr;
    if (!table) unknown_program(name);
    require_digits(d);
    return (*table)[d - 1];
}

program_proofs const& proofs_for(std::string_view name) {
    if (name == addition::name) return addition_proofs();
    if (name == subtraction::name) return subtraction_proofs();
    if (name == multiplication::name) return multiplication_proofs();
    unknown_program(name);
}

}  // namespace ctformer::tools
