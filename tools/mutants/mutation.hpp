// tools/mutants/mutation.hpp — weight mutants of a network: one entry of one layer, of the token
// embedding or of the position table changed in runtime_network<Base> (model/network.hpp), which
// the generation, the checker and the all-input proof then run as they run the constant network.
//
// A change keeps the compiled layer consistent with the dense layer it would compile from: an MLP's
// folded output bias, its units' resting values and its inert intervals are updated with the weight
// (the compiler's own formulas: layers/mlp.hpp), and a change that compile_mlp or compile_attention
// would refuse (sums no longer exact in 128 bits) is reported as refused, not run. Which weights
// are nonzero stays as compiled: a weight set to 0 stays in the sparse lists with the value 0, which
// computes the same as leaving it out. The embedding's tables are dense, so any entry of them may
// change, zero or not.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <ctformer/detail/hana.hpp>

#include "ctformer/model/network.hpp"

namespace ctformer::mutants {

/// Which part of the network a site is.
enum class part : std::uint8_t {
    token_embedding,  ///< token[t][c] of the embedding
    position_table,  ///< position[p][c] of the embedding
    query,  ///< an attention's Wq entry
    key,  ///< Wk
    value,  ///< Wv
    score_scale,  ///< an attention's score scale
    unit_input,  ///< an MLP's W1 entry into a unit some input reaches
    unit_bias,  ///< b1 of such a unit
    unit_output,  ///< W2 entry out of such a unit
    output_bias,  ///< b2 of a column the MLP writes
};
inline constexpr std::string_view part_names[] = {"token embedding", "position table", "query", "key",        "value",
                                                  "score scale",     "unit input",     "unit bias", "unit output", "output bias"};

/// How a site's value changes.
enum class change : std::uint8_t { flip, zero, twice, plus_small, minus_small, plus_large, minus_large };
inline constexpr std::string_view change_names[] = {"−w", "0", "2w", "w + 2^-8", "w − 2^-8", "w + 16", "w − 16"};
inline constexpr std::size_t n_changes = 7;
inline constexpr std::int64_t small_amount = fixed::one_raw >> 8;
inline constexpr std::int64_t large_amount = fixed::one_raw * 16;

constexpr std::int64_t changed_value(std::int64_t w, change how) {
    switch (how) {
        case change::flip: return -w;
        case change::zero: return 0;
        case change::twice: return 2 * w;
        case change::plus_small: return w + small_amount;
        case change::minus_small: return w - small_amount;
        case change::plus_large: return w + large_amount;
        case change::minus_large: return w - large_amount;
    }
    return w;
}

inline constexpr std::uint16_t no_layer = 0xffff;

/// One entry of the network.
struct site {
    part what = part::token_embedding;
    std::uint16_t layer = no_layer;  ///< the distinct layer (prologue, body, epilogue order); no_layer for the embedding
    std::uint32_t index = 0;  ///< the entry in its list (sparse lists), unit, output slot, or row·width + column
    std::int64_t original = 0;  ///< its value in the constant network (raw Q31.32)
};

/// A mutant: one site, one change.
struct mutant {
    site where;
    change how = change::flip;
    std::int64_t value() const { return changed_value(where.original, how); }
};

namespace detail {
/// The distinct layer `Slot` of a network (prologue, body, epilogue), as a reference.
template <std::size_t Slot, class Net>
constexpr auto& layer_at(Net& net) {
    using shape = network_shape<std::remove_cvref_t<Net>>;
    if constexpr (Slot < shape::prologue)
        return hana::at_c<Slot>(net.prologue);
    else if constexpr (Slot < shape::prologue + shape::body)
        return hana::at_c<Slot - shape::prologue>(net.body);
    else
        return hana::at_c<Slot - shape::prologue - shape::body>(net.epilogue);
}
/// f(slot constant, layer&) for every distinct layer.
template <class Net, class F>
void each_layer(Net& net, F&& f) {
    using shape = network_shape<std::remove_cvref_t<Net>>;
    [&]<std::size_t... S>(std::index_sequence<S...>) {
        (f(std::integral_constant<std::size_t, S>{}, layer_at<S>(net)), ...);
    }(std::make_index_sequence<shape::distinct>{});
}
}  // namespace detail

/// Every site of Base's network, in a fixed order: the embedding's tables (every entry), then each
/// distinct layer's weights (the compiled layer's nonzero entries; an MLP's output biases from its
/// dense layer, where nonzero).
template <class Base>
std::vector<site> sites() {
    auto const& net = compiled_of<Base>;
    auto const& dense = dense_of<Base>;
    constexpr std::size_t W = std::remove_cvref_t<decltype(net.layout)>::width;
    std::vector<site> out;
    for (std::size_t t = 0; t < vocab_size; ++t)
        for (std::size_t c = 0; c < W; ++c)
            out.push_back({part::token_embedding, no_layer, static_cast<std::uint32_t>(t * W + c), net.embedding.token[t][c].raw});
    for (std::size_t p = 0; p < max_rows; ++p)
        for (std::size_t c = 0; c < W; ++c)
            out.push_back({part::position_table, no_layer, static_cast<std::uint32_t>(p * W + c), net.embedding.position[p][c].raw});
    detail::each_layer(net, [&](auto slot, auto const& layer) {
        using T = std::remove_cvref_t<decltype(layer)>;
        auto const l = static_cast<std::uint16_t>(decltype(slot)::value);
        auto add = [&](part what, std::size_t i, std::int64_t w) {
            if (w != 0) out.push_back({what, l, static_cast<std::uint32_t>(i), w});
        };
        if constexpr (T::is_attention) {
            for (std::size_t e = 0; e < T::n_query_weights; ++e) add(part::query, e, layer.q.weight[e]);
            for (std::size_t e = 0; e < T::n_key_weights; ++e) add(part::key, e, layer.k.weight[e]);
            for (std::size_t e = 0; e < T::n_value_weights; ++e) add(part::value, e, layer.v.weight[e]);
            add(part::score_scale, 0, layer.score_scale.raw);
        } else {
            for (std::size_t e = 0; e < T::n_in_weights; ++e) add(part::unit_input, e, layer.in.weight[e]);
            for (std::size_t u = 0; u < T::n_units; ++u) add(part::unit_bias, u, layer.b1[u]);
            for (std::size_t e = 0; e < T::n_out_weights; ++e) add(part::unit_output, e, layer.out.weight[e]);
            auto const& d = detail::layer_at<decltype(slot)::value>(dense);
            for (std::size_t o = 0; o < T::n_outputs; ++o) add(part::output_bias, o, d.b2[layer.out_cols[o]].raw);
        }
    });
    return out;
}

/// The name of a site's layer, with its part of the program and its slot ("embedding" for the tables).
template <class Base>
std::string layer_name(site const& s) {
    if (s.layer == no_layer) return "embedding";
    using shape = network_shape<std::remove_cvref_t<decltype(compiled_of<Base>)>>;
    std::string name = s.layer < shape::prologue ? "prologue " : s.layer < shape::prologue + shape::body ? "body " : "epilogue ";
    detail::each_layer(compiled_of<Base>, [&](auto slot, auto const& layer) {
        if (decltype(slot)::value == s.layer) name += std::to_string(s.layer) + ": " + std::string(layer.name);
    });
    return name;
}

namespace detail {
template <class Layer>
bool set_attention(Layer& layer, part what, std::size_t i, std::int64_t v) {
    switch (what) {
        case part::query: layer.q.weight[i] = v; break;
        case part::key: layer.k.weight[i] = v; break;
        case part::value: layer.v.weight[i] = v; break;
        case part::score_scale: layer.score_scale.raw = v; break;
        default: return false;
    }
    return exact_sums_fit(layer.q, 0) && exact_sums_fit(layer.k, 0) && exact_sums_fit(layer.v, 0);
}

/// Changes one weight of a compiled MLP as recompiling its dense layer would.
template <class Layer>
bool set_mlp(Layer& c, part what, std::size_t i, std::int64_t v) {
    constexpr std::size_t n_units = Layer::n_units;
    auto rebias = [&](std::size_t o, i128 delta) {
        c.out_bias[o] += delta;
        c.out_bias_rounded[o] = ctformer::detail::round_shift_32(c.out_bias[o]);
    };
    auto unit_of = [](auto const& lists, std::size_t e) {
        std::size_t u = 0;
        while (lists.start[u + 1] <= e) ++u;
        return u;
    };
    switch (what) {
        case part::unit_input: {  // W1[col][unit]: the unit's list, the column's list, the broad weights
            std::size_t const u = unit_of(c.in, i), col = c.in.index[i];
            c.in.weight[i] = v;
            for (std::size_t k = 0; k < Layer::n_inputs; ++k) {
                if (c.in_cols[k] != col) continue;
                for (std::size_t e = c.by_input.start[k]; e < c.by_input.start[k + 1]; ++e)
                    if (c.by_input.index[e] == u) c.by_input.weight[e] = v;
                for (std::size_t d = 0; d < Layer::n_broad_columns; ++d)
                    if (c.broad[d] == k) c.broad_weight[d * n_units + u] = v;
            }
            break;
        }
        case part::unit_bias: {  // b1: the unit's resting value, folded into the output bias
            std::int64_t const old_rest = c.at_rest[i];
            c.b1[i] = v;
            c.at_rest[i] = gelu(fixed{v}).raw;
            for (std::size_t e = c.out.start[i]; e < c.out.start[i + 1]; ++e)
                rebias(c.out.index[e], i128{c.at_rest[i] - old_rest} * c.out.weight[e]);
            break;
        }
        case part::unit_output: {  // W2[unit][col]: the weight, and the unit's resting output in the bias
            std::size_t const u = unit_of(c.out, i);
            rebias(c.out.index[i], i128{c.at_rest[u]} * (v - c.out.weight[i]));
            c.out.weight[i] = v;
            break;
        }
        default: return false;
    }
    for (std::size_t d = 0; d < Layer::n_broad_columns; ++d) ctformer::detail::set_inert(c, d);
    try {
        ctformer::detail::require_exact_sums(c);
    } catch (overflow_error const&) {
        return false;
    }
    return true;
}
}  // namespace detail

/// Sets runtime_network<Base> to Base's constant network with mutant m applied, and bumps
/// runtime_network_version<Base>. False when the compiler would refuse the mutated layer (its sums
/// no longer exact in 128 bits): the network is then left as Base's.
template <class Base>
bool apply(mutant const& m) {
    auto& net = runtime_network<Base>;
    net = compiled_of<Base>;
    ++runtime_network_version<Base>;
    constexpr std::size_t W = std::remove_cvref_t<decltype(net.layout)>::width;
    std::int64_t const v = m.value();
    site const& s = m.where;
    bool fits = true;
    switch (s.what) {
        case part::token_embedding: net.embedding.token[s.index / W][s.index % W].raw = v; break;
        case part::position_table: net.embedding.position[s.index / W][s.index % W].raw = v; break;
        case part::output_bias:
            detail::each_layer(net, [&](auto slot, auto& layer) {
                using T = std::remove_cvref_t<decltype(layer)>;
                if constexpr (!T::is_attention)
                    if (decltype(slot)::value == s.layer) {
                        layer.out_bias[s.index] += i128{v - s.original} << fixed::frac_bits;
                        layer.out_bias_rounded[s.index] = ctformer::detail::round_shift_32(layer.out_bias[s.index]);
                        try {
                            ctformer::detail::require_exact_sums(layer);
                        } catch (overflow_error const&) {
                            fits = false;
                        }
                    }
            });
            break;
        default:
            detail::each_layer(net, [&](auto slot, auto& layer) {
                if (decltype(slot)::value != s.layer) return;
                using T = std::remove_cvref_t<decltype(layer)>;
                if constexpr (T::is_attention)
                    fits = detail::set_attention(layer, s.what, s.index, v);
                else
                    fits = detail::set_mlp(layer, s.what, s.index, v);
            });
    }
    if (!fits) net = compiled_of<Base>;
    return fits;
}

/// Puts Base's constant network back.
template <class Base>
void restore() {
    runtime_network<Base> = compiled_of<Base>;
    ++runtime_network_version<Base>;
}

}  // namespace ctformer::mutants
