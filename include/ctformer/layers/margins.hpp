// ctformer/layers/margins.hpp — how close the network came to another decision, and the softmax
// that makes the attention decisions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "ctformer/numeric/fixed.hpp"
#include "ctformer/numeric/functions.hpp"
#include "ctformer/tensor/matrix.hpp"

namespace ctformer {

/// The longest sequence a forward pass holds (positions repeat every 100 in the seed's encoding).
inline constexpr std::size_t max_rows = 64;

/// A margin no decision has narrowed yet: larger than any value the network computes (2^30, the
/// largest integer part Q31.32 holds), so the first decision's margin replaces it.
inline constexpr fixed no_margin_yet = fixed::from_int(1 << 30);

/// The closest the network came to a different decision; smaller is closer. Merged by min.
struct margins {
    fixed attention_weight = fixed::from_int(1);  ///< smallest winning softmax weight
    fixed attention_gap = no_margin_yet;  ///< smallest score gap, winner to runner-up
    fixed copy_input = no_margin_yet;  ///< smallest |pre-activation| of a copy decision
    fixed logit_gap = no_margin_yet;  ///< smallest gap, chosen token to runner-up

    friend constexpr bool operator==(margins const&, margins const&) = default;

    // always inlined: the checker merges per layer on its hot path, where g++ 12 otherwise calls it
    // (5% of ctformer-check's time, perf)
    [[gnu::always_inline]] constexpr void merge(margins const& o) {
        if (o.attention_weight < attention_weight) attention_weight = o.attention_weight;
        if (o.attention_gap < attention_gap) attention_gap = o.attention_gap;
        if (o.copy_input < copy_input) copy_input = o.copy_input;
        if (o.logit_gap < logit_gap) logit_gap = o.logit_gap;
    }
};

/// Index of the largest element, the first one on ties (as torch.argmax).
template <std::size_t N>
constexpr std::size_t argmax(row_vector<N> const& v) {
    std::size_t best = 0;
    for (std::size_t i = 1; i < N; ++i)
        if (v[i] > v[best]) best = i;
    return best;
}

/// Softmax weights of raw scores[0..n): exp(s − max) / Σ, in Q31.32. Returns the index of the
/// largest score (the first, on ties).
constexpr std::size_t softmax(std::int64_t const* scores, std::int64_t* weights, std::size_t n, margins* m) {
    std::size_t best = 0;
    std::int64_t second = INT64_MIN;  // the largest score of the other rows
    for (std::size_t j = 1; j < n; ++j) {
        if (scores[j] > scores[best]) {
            second = scores[best];
            best = j;
        } else if (scores[j] > second) {
            second = scores[j];
        }
    }
    std::int64_t const top = scores[best];
    std::int64_t total = 0;
    bool one_hot = true;  // only the best row has a nonzero exp: its weight is exactly 1, the rest 0
    for (std::size_t j = 0; j < n; ++j) {
        std::int64_t const d = scores[j] - top;
        std::int64_t const e = d == 0 ? fixed::one_raw : d < detail::exp_zero_below ? 0 : exp_nonpositive(fixed::from_raw(d)).raw;
        weights[j] = e;
        total += e;  // each e ≤ 1 and n ≤ 64: no overflow
        if (j != best && e != 0) one_hot = false;
    }
    if (!one_hot)
        for (std::size_t j = 0; j < n; ++j) weights[j] = (fixed::from_raw(weights[j]) / fixed::from_raw(total)).raw;
    if (m) {
        if (weights[best] < m->attention_weight.raw) m->attention_weight = fixed::from_raw(weights[best]);
        if (n > 1 && top - second < m->attention_gap.raw) m->attention_gap = fixed::from_raw(top - second);
    }
    return best;
}

}  // namespace ctformer
