// ctformer/runtime/reference.hpp — the reference: every row through every dense layer.
//
// No cache, no sparsity, no shortcut: the whole sequence goes through the dense weights layer by
// layer, exactly as the seed's notebook runs it. It is slow and it is the yardstick: tests check
// that the forward driver (runtime/forward.hpp), with every reuse policy, gives the same bits.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <type_traits>

#include "ctformer/detail/hana.hpp"

#include "ctformer/model/addition.hpp"
#include "ctformer/model/prompt.hpp"
#include "ctformer/runtime/generate.hpp"

namespace ctformer {

/// All rows of a sequence after the last layer, computed by the reference.
template <class Model>
struct reference_rows {
    static constexpr std::size_t width = std::remove_cvref_t<decltype(Model::dense.layout)>::width;
    std::array<row_vector<width>, max_rows> rows{};
    std::size_t n = 0;
};

/// Runs tokens[0..n) through every dense layer of the program. `observe(layer, rows, n, pattern)`
/// is called after each layer; for an attention layer `pattern` holds its softmax weights
/// (pattern[i·n + j]: row i's weight on row j), for an MLP it is null. An `observe` that takes a
/// fifth argument also gets the attention's scores before the softmax, in the same layout (raw
/// Q31.32; null for an MLP).
template <class Model, class Observe>
constexpr reference_rows<Model> reference_forward(std::size_t digits, std::uint8_t const* tokens, std::size_t n, margins* m,
                                                  Observe&& observe) {
    auto const& net = Model::dense;
    reference_rows<Model> r{};
    if (n > max_rows) throw domain_error("ctformer::reference_forward: sequence longer than max_rows");
    r.n = n;
    for (std::size_t i = 0; i < n; ++i) r.rows[i] = net.embedding(tokens[i], i);
    std::array<std::int64_t, max_rows * max_rows> pattern{}, scores{};
    std::int64_t const* const none = nullptr;
    for_each_layer(net, digits, [&](auto const& layer) {
        constexpr bool wants_scores =
            std::is_invocable_v<Observe&, decltype(layer), decltype(r.rows.data()), std::size_t, std::int64_t const*, std::int64_t const*>;
        if constexpr (std::remove_cvref_t<decltype(layer)>::is_attention) {
            dense_apply(layer, r.rows.data(), n, m, pattern.data(), wants_scores ? scores.data() : nullptr);
            if constexpr (wants_scores)
                observe(layer, r.rows.data(), n, pattern.data(), scores.data());
            else
                observe(layer, r.rows.data(), n, pattern.data());
        } else {
            dense_apply(layer, r.rows.data(), n, m);
            if constexpr (wants_scores)
                observe(layer, r.rows.data(), n, none, none);
            else
                observe(layer, r.rows.data(), n, none);
        }
    });
    return r;
}

/// reference_forward of a model with a constant digit count (`digits` above, for a model whose
/// count is given at run time: the number of body passes).
template <class Model, class Observe>
constexpr reference_rows<Model> reference_forward(std::uint8_t const* tokens, std::size_t n, margins* m, Observe&& observe) {
    return reference_forward<Model>(Model::digits, tokens, n, m, observe);
}

template <class Model>
constexpr reference_rows<Model> reference_forward(std::uint8_t const* tokens, std::size_t n, margins* m = nullptr) {
    return reference_forward<Model>(tokens, n, m, [](auto const&, auto const*, std::size_t, std::int64_t const*) {});
}

/// The seed's generate loop: recompute the whole sequence for every new token (up to `count`
/// tokens, or until '\n'), for a `digits`-digit prompt (token ids); the decisions' margins into the
/// generation's. (The tools run a network read from a file this way: tools/common/weights_file.hpp.)
template <class Model>
constexpr generation<max_rows> reference_generate(std::size_t digits, std::span<std::uint8_t const> prompt, std::size_t count) {
    auto predict = [digits](std::uint8_t const* tokens, std::size_t n, generation<max_rows>& g) -> std::size_t {
        auto const r = reference_forward<Model>(digits, tokens, n, &g.margin, [](auto const&, auto const*, std::size_t, std::int64_t const*) {});
        auto const& last = r.rows[n - 1];
        g.digest = detail::fnv_rows(g.digest, last);
        return argmax(multiply(last, Model::dense.unembed));
    };
    return generation_loop(program_of_model<Model>::vocabulary, prompt, count, predict);
}

/// reference_generate of the model's own digit count.
template <class Model>
constexpr generation<max_rows> reference_generate(model_prompt<Model> const& prompt, std::size_t count) {
    return reference_generate<Model>(Model::digits, std::span<std::uint8_t const>(prompt.ids), count);
}

}  // namespace ctformer
