// tools/adders/programs.cpp — the programs other than the adder, for `ctformer run`: generation for
// each digit count, and the lookup by name (tools/common/digits.hpp, program_for).
#include <string>

#include <ctformer/ctformer.hpp>

#include "common/digits.hpp"

namespace ctformer::tools {

namespace {

/// Generation only: the other adder_ops entries (trace, plots, bounds, export) run the adder.
template <class Model>
adder_ops make_run_ops() {
    adder_ops ops;
    ops.program = program_of_model<Model>::name;
    ops.carry_name = program_of_model<Model>::carry_name;
    ops.digits = Model::digits;
    ops.answer_length = Model::answer_length;
    ops.generate = [](std::string_view prompt, std::size_t count) { return generate<Model>(prompt, count); };
    return ops;
}

#define CTFORMER_DEFINE_RUN_OPS(D)                                            \
    adder_ops const& subtractor_ops_##D() {                                   \
        static adder_ops const ops = make_run_ops<subtractor<D>>();           \
        return ops;                                                           \
    }                                                                         \
    adder_ops const& multiplier_ops_##D() {                                   \
        static adder_ops const ops = make_run_ops<multiplier<D>>();           \
        return ops;                                                           \
    }
CTFORMER_EACH_DIGIT_COUNT(CTFORMER_DEFINE_RUN_OPS)
#undef CTFORMER_DEFINE_RUN_OPS

adder_ops const& subtractor_for(std::size_t d) {
#define CTFORMER_SUBTRACTOR_OPS_ENTRY(D) &subtractor_ops_##D,
    static adder_ops const& (*const table[])() = {CTFORMER_EACH_DIGIT_COUNT(CTFORMER_SUBTRACTOR_OPS_ENTRY)};
#undef CTFORMER_SUBTRACTOR_OPS_ENTRY
    return digit_table_entry(table, d);
}

adder_ops const& multiplier_for(std::size_t d) {
#define CTFORMER_MULTIPLIER_OPS_ENTRY(D) &multiplier_ops_##D,
    static adder_ops const& (*const table[])() = {CTFORMER_EACH_DIGIT_COUNT(CTFORMER_MULTIPLIER_OPS_ENTRY)};
#undef CTFORMER_MULTIPLIER_OPS_ENTRY
    return digit_table_entry(table, d);
}

}  // namespace

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
    if (name == addition::name) return adder_for(d);
    if (name == subtraction::name) return subtractor_for(d);
    if (name == multiplication::name) return multiplier_for(d);
    std::string known;
    for (auto n : program_names) known += (known.empty() ? "" : ", ") + std::string(n);
    throw std::invalid_argument("unknown program \"" + std::string(name) + "\"; the programs are " + known);
}

}  // namespace ctformer::tools
