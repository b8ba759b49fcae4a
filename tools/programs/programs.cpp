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

program_ops::entries const& addition_file_entries();
program_ops::entries const& subtraction_file_entries();
program_ops::entries const& multiplication_file_entries();
void load_addition_weights(std::string const& path);
void load_subtraction_weights(std::string const& path);
void load_multiplication_weights(std::string const& path);

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
        ops.noun = P::noun;
        ops.digits = d;
        ops.answer_length = prompt_shape<P>::answer_length(d);
        ops.second_digits = prompt_shape<P>::second_digits(d);
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

namespace {
/// The index of program `name` in program_names (add, sub, mul); unknown_program otherwise.
std::size_t program_index(std::string_view name) {
    for (std::size_t k = 0; k < std::size(program_names); ++k)
        if (program_names[k] == name) return k;
    unknown_program(name);
}
}  // namespace

static_assert(program_names[0] == addition::name && program_names[1] == subtraction::name && program_names[2] == multiplication::name);

program_ops const& program_for(std::string_view name, std::size_t d) {
    static std::array<std::array<program_ops, max_digits>, 3> const tables{
        program_table<addition>(addition_entries()), program_table<subtraction>(subtraction_entries()),
        program_table<multiplication>(multiplication_entries())};
    std::size_t const k = program_index(name);
    require_digits(d);
    return tables[k][d - 1];
}

program_ops const& program_for(std::string_view name, std::size_t d, std::string const& weights) {
    if (weights.empty()) return program_for(name, d);
    static std::array<std::array<program_ops, max_digits>, 3> const tables{
        program_table<addition>(addition_file_entries()), program_table<subtraction>(subtraction_file_entries()),
        program_table<multiplication>(multiplication_file_entries())};
    static void (*const load[])(std::string const&) = {load_addition_weights, load_subtraction_weights, load_multiplication_weights};
    static std::array<std::string, 3> loaded;  // one network per program and process: the file's, read once
    std::size_t const k = program_index(name);
    require_digits(d);
    if (loaded[k] != weights) {
        load[k](weights);
        loaded[k] = weights;
    }
    return tables[k][d - 1];
}

program_proofs const& proofs_for(std::string_view name) {
    if (name == addition::name) return addition_proofs();
    if (name == subtraction::name) return subtraction_proofs();
    if (name == multiplication::name) return multiplication_proofs();
    unknown_program(name);
}

}  // namespace ctformer::tools
