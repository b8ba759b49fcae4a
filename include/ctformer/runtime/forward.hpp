// ctformer/runtime/forward.hpp — the forward pass of one row, written once: embed, the program's
// layers in order, unembed. What may be skipped is a policy the pass takes:
//  * no_reuse: every layer runs (trace, the tests' yardstick beside the dense reference);
//  * memo_reuse: a per-row memo of earlier passes; a layer whose update provably equals a
//    recorded one is not run, the recorded update is added instead (generation, the proofs);
//  * exact_reuse (check/exact_memo.hpp): memos keyed by the exact inputs of a layer or a
//    segment, kept across prompts (the run-time checker).
// Every policy gives the same bits (tests/test_paths.cpp compares them with the reference).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "ctformer/detail/hana.hpp"

#include "ctformer/layers/update.hpp"
#include "ctformer/runtime/sequence.hpp"

namespace ctformer {

/// Where a layer that runs reports: its margins, its attention probe (query and top scores), its
/// update, and for attention which rows got which weight.
struct layer_report {
    margins* margin = nullptr;
    attention_probe* probe = nullptr;
    update_sink* sink = nullptr;
    attention_decision* decision = nullptr;
};

/// The observer that looks at nothing (forward skips the call).
struct no_observer {
    template <class Row>
    constexpr void operator()(std::string_view, Row const&, std::uint64_t) const {}
};

/// The policy that reuses nothing. A policy's hooks, in the order forward calls them:
///  * begin(s, i): a pass of row i starts (from its embedding; a policy that declares
///    `starts_from_memo` knows it by an id and writes it into x when a layer runs or the pass ends);
///  * replays_segment(segment, first_step, x, m): may the whole segment take a recorded output?
///  * replays(s, layer, slot, k, x, m, used): may layer k add a recorded update instead of running?
///  * prepare(layer, slot, k, report): layer k runs; where it reports what it does;
///  * record(layer, slot, k, x, used, m): layer k ran, x is what it made of the row;
///  * end_segment(segment, x), end(s, i, x).
struct no_reuse {
    static constexpr bool reuses = false;  ///< forward skips the hooks
};

/// Runs row i (rows 0..i present) through the program and returns its final residual. `observe(name,
/// row, used)` — or `observe(layer, row, used)`, if it takes the layer — is called after each layer;
/// `used` is, for attention, the rows that got a nonzero weight (bit j: row j), 0 for an MLP.
template <class Model, class Reuse, class Observe>
constexpr typename sequence<Model>::row forward(sequence<Model> const& s, std::size_t i, margins* m, Reuse& reuse,
                                                Observe&& observe) {
    if (i >= s.size()) throw sequence_error("ctformer::forward: no such row");
    // The pass starts from the row's embedding; a policy that names rows by the memo's ids brings it itself.
    auto x = [&] {
        if constexpr (requires { Reuse::starts_from_memo; })
            return typename sequence<Model>::row{};
        else
            return s.embedding(i);
    }();
    auto const row_of = s.embedding_of();  // attention forms a row's value from its embedding
    constexpr bool reuses = Reuse::reuses;
    if constexpr (reuses) reuse.begin(s, i);
    for_each_segment(Model::net, s.digits(), [&](auto const& layers, std::size_t segment, auto first_slot, std::size_t first) {
        if constexpr (reuses)
            if (reuse.replays_segment(segment, first, x, m)) return;
        hana::for_each(hana::make_range(hana::size_c<0>, hana::size(layers)), [&](auto l) {
            // The layer's place as plain constants: in constant evaluation, arithmetic on
            // hana's integral constants costs calls.
            constexpr std::size_t in_segment = decltype(l)::value;
            constexpr auto slot = hana::size_c<decltype(first_slot)::value + in_segment>;
            auto const& layer = layers[hana::size_c<in_segment>];
            std::size_t const k = first + in_segment;
            std::uint64_t used = 0;
            layer_report r{m, nullptr, nullptr, nullptr};
            bool replayed = false;
            if constexpr (reuses) {
                replayed = reuse.replays(s, layer, slot, k, x, m, used);
                if (!replayed) reuse.prepare(layer, slot, k, r);
            }
            if (!replayed) {
                used = layer.apply(x, s.cache(slot).data(), i + 1, r.margin, row_of, r.probe, r.sink, r.decision);
                if constexpr (reuses) reuse.record(layer, slot, k, x, used, m);
            }
            if constexpr (std::is_same_v<std::remove_cvref_t<Observe>, no_observer>)
                ;
            else if constexpr (std::is_invocable_v<Observe&, decltype(layer), decltype(x) const&, std::uint64_t>)
                observe(layer, x, used);  // an observer that looks at the layer itself (proof/positions.hpp)
            else
                observe(layer.name, x, used);
        });
        if constexpr (reuses) reuse.end_segment(segment, x);
    });
    if constexpr (reuses) reuse.end(s, i, x);
    return x;
}

template <class Model, class Reuse = no_reuse>
constexpr typename sequence<Model>::row forward(sequence<Model> const& s, std::size_t i, margins* m = nullptr) {
    Reuse reuse{};
    return forward(s, i, m, reuse, no_observer{});
}

namespace detail {
template <class Model>
struct unembedding {
    static constexpr auto const& net = model_structure<Model>();  // a runtime_build's unembedding is its base's
    static constexpr auto profile_ = profile(net.unembed);
    static constexpr auto lists = [] {
        std::array<std::uint16_t, vocab_size> all{};
        for (std::size_t t = 0; t < vocab_size; ++t) all[t] = static_cast<std::uint16_t>(t);
        return by_column<profile_.nnz>(net.unembed, all);
    }();
    static_assert(exact_sums_fit(lists, 0), "ctformer: the unembedding's weights are too large for exact sums");
};
}  // namespace detail

/// Logits of the unembedding for a final residual row (only its nonzero rows are read; the sums
/// are exact, so this equals the dense product).
template <class Model, class Row>
constexpr row_vector<vocab_size> logits(Row const& x) {
    auto const& lists = detail::unembedding<Model>::lists;
    row_vector<vocab_size> l{};
    for (std::size_t t = 0; t < vocab_size; ++t) {
        i128 acc = 0;
        for (std::size_t e = lists.start[t]; e < lists.start[t + 1]; ++e) acc += i128{x[lists.index[e]].raw} * lists.weight[e];
        if (acc != 0) l[t] = fixed::from_raw(detail::round_shift_32(acc));
    }
    return l;
}

/// The token a final residual row predicts (greedy: argmax of the logits), with its logit gap.
template <class Model, class Row>
constexpr std::size_t choose(Row const& x, margins* m) {
    auto const l = logits<Model>(x);
    std::size_t const best = argmax(l);
    if (m)
        for (std::size_t t = 0; t < vocab_size; ++t) {
            if (t == best) continue;
            fixed const gap = l[best] - l[t];
            if (gap < m->logit_gap) m->logit_gap = gap;
        }
    return best;
}

}  // namespace ctformer
