// ctformer/layers/update.hpp — what a compiled layer reports of its pass: what it added to a row, as
// a list of (column, amount), and for attention the query and the top two scores.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "ctformer/numeric/fixed.hpp"

namespace ctformer {

/// Where a layer reports what it added to a row: the columns it changed, and by how much (a layer
/// adds nothing to the columns it leaves out).
struct update_sink {
    std::uint16_t* col = nullptr;
    std::int64_t* val = nullptr;
    std::size_t n = 0;
    constexpr void add(std::uint16_t c, std::int64_t u) {
        col[n] = c;
        val[n] = u;
        ++n;
    }
};

/// What an attention layer's pass decided, so that a pass that sees one more row can reuse it:
/// the query (per active head dimension), the top score and the runner-up score.
struct attention_probe {
    static constexpr std::size_t max_heads = 4;
    std::array<std::int64_t, max_heads> q{};
    std::int64_t top = 0;
    std::int64_t second = INT64_MIN;  ///< INT64_MIN: a single row
};

/// Which rows an attention layer's softmax gave a nonzero weight, and the weights: with the rows'
/// values, all that its update is made of (compiled_attention::mix). Holds up to `max_rows_kept`
/// rows; `complete` is false when more rows got a weight.
struct attention_decision {
    static constexpr std::size_t max_rows_kept = 8;
    std::uint64_t used = 0;  ///< bit j: row j got a nonzero weight
    std::size_t n = 0;
    std::array<std::uint8_t, max_rows_kept> rows{};
    std::array<std::int64_t, max_rows_kept> weights{};
    bool complete = false;
};

}  // namespace ctformer
