// ctformer/runtime/program_io.hpp — the shape of a program's steps that exact_reuse
// (runtime/exact_memo.hpp) sizes its records by: how many steps and segments, which distinct layers
// are attention, and the most columns one layer writes.
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>

#include "ctformer/model/network.hpp"

namespace ctformer {

template <class Model>
struct program_io {
    using shape = network_shape<std::remove_cvref_t<decltype(Model::net)>>;
    static constexpr std::size_t steps = shape::steps(Model::digits);
    static constexpr std::size_t segments = shape::segments(Model::digits);

    std::array<bool, shape::distinct> attention_slots{};  ///< is the distinct layer at this slot attention?
    std::size_t max_writes = 1;  ///< the most columns one layer writes

    static constexpr program_io make() {
        program_io o{};
        for_each_step(model_structure<Model>(), Model::digits, [&](auto const& layer, program_step, auto slot) {
            if constexpr (std::remove_cvref_t<decltype(layer)>::is_attention) o.attention_slots[slot] = true;
            if (layer.out_cols.size() > o.max_writes) o.max_writes = layer.out_cols.size();
        });
        return o;
    }
};
template <class Model>
inline constexpr program_io<Model> io_of = program_io<Model>::make();

}  // namespace ctformer
