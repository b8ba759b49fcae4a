// ctformer/model/premises.hpp — the premise the sequence's shortcut rests on, checked by the compiler
// on the real network: attention reads only the embedding of earlier rows (the cached-embedding
// shortcut). The position premise is proof/positions.hpp.
#pragma once

#include <cstddef>
#include <type_traits>

#include "ctformer/model/network.hpp"

namespace ctformer {

/// Does any layer write a column that some attention layer reads from earlier rows? If none does,
/// an earlier row's keys and values at every layer equal those of its embedding, and a row's layers
/// need to run only when its own output is wanted (runtime/sequence.hpp relies on this).
template <class Net>
constexpr bool attention_reads_only_the_embedding(Net const& net) {
    constexpr std::size_t W = std::remove_cvref_t<decltype(net.layout)>::width;
    bool ok = true;
    auto check_reader = [&](auto const& reader) {
        if constexpr (std::remove_cvref_t<decltype(reader)>::is_attention) {
            for (std::size_t c = 0; c < W; ++c) {
                if (!reader.reads_column(c)) continue;
                for_each_distinct_layer(net, [&](auto const& writer) {
                    if (writer.writes_column(c)) ok = false;
                });
            }
        }
    };
    for_each_distinct_layer(net, check_reader);
    return ok;
}

}  // namespace ctformer
