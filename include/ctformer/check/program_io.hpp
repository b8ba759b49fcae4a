// ctformer/check/program_io.hpp — the shape of a program's steps that exact_reuse
// (check/exact_memo.hpp) sizes its records by: which distinct layers
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
    std::array<bool, shape::distinct> attention_slots{};  ///< is the distinct layer at this slot attention?
    std::size_t max_writes = 1;  ///< the most columns one layer writes
    /// The program of one digit holds every distinct layer once (a body pass is the body's layers),
    /// so its steps say what every digit count's do.
    static constexpr program_io make() {
        program_io o{};
        for_each_step(model_structure<Model>(), 1, [&](auto const& layer, program_step, auto slot) {
            if constexpr (std::remove_cvref_t<decltype(layer)>::is_attention) o.attention_slots[slot] = true;
            if (layer.out_cols.size() > o.max_writes) o.max_writes = layer.out_cols.size();
        });
        return o;
    }
};

template <class Model>
inline constexpr program_io<Model> io_of = program_io<Model>::make();

}  // namespace ctformer
