// tools/adders/ctformer_adder.hpp — adder_ops (tools/common/digits.hpp) for one adder<D>: what the
// `ctformer` command runs. Included only by the units tools/libraries.cmake generates from
// ctformer_adder.cpp.in, one per digit count.
#pragma once

#include <ctformer/ctformer.hpp>

#include "../commands/bounds.hpp"
#include "../commands/export.hpp"
#include "common/digits.hpp"
#include "page/plot.hpp"
#include "page/trace.hpp"

namespace ctformer::tools {

template <class Model>
adder_ops make_adder_ops() {
    constexpr std::size_t D = Model::digits;
    adder_ops ops;
    ops.program = program_of_model<Model>::name;
    ops.carry_name = program_of_model<Model>::carry_name;
    ops.digits = D;
    ops.answer_length = Model::answer_length;
    ops.generate = [](std::string_view prompt, std::size_t count) { return generate<Model>(prompt, count); };
    ops.trace = [](std::string_view prompt, std::size_t count) { return trace<Model>(parse_prompt<D>(prompt), count); };
    ops.plots = [](std::string_view prompt) { return make_plots<Model>(parse_prompt<D>(prompt)); };
    ops.print_bounds = &print_bounds<Model>;
    ops.export_json = &export_json<Model>;
    return ops;
}

}  // namespace ctformer::tools

/// Defines adder_ops_D(), the table entry of D digits (tools/adders/adders.cpp).
#define CTFORMER_DEFINE_ADDER_OPS(D)                                               \
    namespace ctformer::tools {                                                    \
    adder_ops const& adder_ops_##D() {                                             \
        static adder_ops const ops = make_adder_ops<adder<D>>();                   \
        return ops;                                                                \
    }                                                                              \
    }
