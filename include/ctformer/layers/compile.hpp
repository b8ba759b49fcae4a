// ctformer/layers/compile.hpp — the dense→compiled step: each dense layer becomes its sparse form.
#pragma once

#include <type_traits>

#include "ctformer/layers/attention.hpp"
#include "ctformer/layers/mlp.hpp"

namespace ctformer {

template <class Src>
constexpr auto compile_layer() {
    if constexpr (std::remove_cvref_t<decltype(Src::dense)>::is_attention)
        return compile_attention<Src>();
    else
        return compile_mlp<Src>();
}

/// One compiled layer, evaluated as a constant of its own: each layer gets the compiler's whole
/// constant-evaluation budget (clang counts steps per evaluation), not a share of the network's.
template <class Src>
inline constexpr auto compiled_layer = compile_layer<Src>();

}  // namespace ctformer
