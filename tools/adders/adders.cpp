// tools/adders/adders.cpp — the programs the `ctformer` command runs, by name and digit count
// (tools/common/digits.hpp): each program's entries come from its unit (tools/adders/run_*.cpp), the
// adder's bounds from tools/adders/bounds_add.cpp (every unit takes the digit count at run time).
#include <array>
#include <string>

#include <ctformer/ctformer.hpp>

#include "common/digits.hpp"
#include "page/plot.hpp"
#include "page/trace.hpp"

namespace ctformer::tools {

adder_ops::entries const& addition_entries();
adder_ops::entries const& subtraction_entries();
adder_ops::entries const& multiplication_entries();

bool print_adder_bounds(std::size_t digits);

generation<max_rows> adder_ops::generate(std::string_view prompt, std::size_t count) const { return run->generate(digits, prompt, count); }
trace_result adder_ops::trace(std::string_view prompt, std::size_t count) const { return run->trace(digits, prompt, count); }
plot_set adder_ops::plots(std::string_view prompt) const { return run->plots(digits, prompt); }
std::string adder_ops::export_json() const { return run->export_json(digits); }

namespace {

/// Program P's operations for every digit count; `bounds`: its bounds analysis, or none.
template <program P>
std::array<adder_ops, max_digits> program_table(adder_ops::entries const& entries, bool (*bounds)(std::size_t)) {
    std::array<adder_ops, max_digits> table{};
    for (std::size_t d = 1; d <= max_digits; ++d) {
        adder_ops& ops = table[d - 1];
        ops.program = P::name;
        ops.carry_name = P::carry_name;
        ops.digits = d;
        ops.answer_length = prompt_shape<P>::answer_length(d);
        ops.run = &entries;
        ops.print_bounds = bounds;
    }
    return table;
}

}  // namespace

adder_ops const& adder_for(std::size_t d) { return program_for(addition::name, d); }

std::string_view program_of_prompt(std::string const& prompt) {
    for (char c : prompt) {
        if (c >= '0' && c <= '9') continue;
        if (c == operation_symbol<subtraction>) return subtraction::name;
        if (c == operation_symbol<multiplication>) return multiplication::name;
        break;
    }
    return addition::name;
}

adder_ops const& program_for(std::string_view name, std::size_t d) {
    static auto const add = program_table<addition>(addition_entries(), &print_adder_bounds);
    static auto const sub = program_table<subtraction>(subtraction_entries(), nullptr);
    static auto const mul = program_table<multiplication>(multiplication_entries(), nullptr);
    std::array<adder_ops, max_digits> const* table = name == addition::name      ? &add
                                                     : name == subtraction::name ? &sub
                                                     : name == multiplication::name ? &mul
                                                                                    : nullptr;
    if (!table) {
        std::string known;
        for (auto n : program_names) known += (known.empty() ? "" : ", ") + std::string(n);
        throw std::invalid_argument("unknown program \"" + std::string(name) + "\"; the programs are " + known);
    }
    require_digits(d);
    return (*table)[d - 1];
}

}  // namespace ctformer::tools
