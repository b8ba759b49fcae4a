// ctformer/model/network.hpp — the seed network and its program: the seed's layers in the seed's order.
//
//   prologue: find '+' → left_pos, find '=' → right_pos, find '=' → out_pos, step out_pos by −1
//   body ×D:  clear left/right/out, step cursors (left −1, right −1, out +1), read left digit,
//             read right digit, add with carry, diff_pos(pos, out_pos), is_zero, copy_on_match
//   epilogue: carry_out (out ← carry digit, out +1), diff_pos, is_zero, copy_on_match,
//             end_token (out ← '\n', out +1), diff_pos, is_zero, copy_on_match
//   unembed:  final register → token logits, argmax
//
// Row 2D+k (k = 1..D) matches the k-th body pass and predicts the sum's k-th digit from the right;
// row 3D+1 matches carry_out and predicts the carry-out digit, row 3D+2 matches end_token and
// predicts '\n'. The epilogue is not in the seed, which stops after the fourth digit.
//
// The body is one set of weights applied D times (the seed's `for i in range(4)`), so the loop is
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <utility>

#include "ctformer/detail/hana.hpp"

#include "ctformer/layers/compile.hpp"
#include "ctformer/model/instructions.hpp"
#include "ctformer/model/registers.hpp"

namespace ctformer {

/// A string as a template argument (a layer's name).
template <std::size_t N>
struct fixed_string {
    char text[N]{};
    constexpr fixed_string(char const (&s)[N]) {
        for (std::size_t i = 0; i < N; ++i) text[i] = s[i];
    }
    constexpr std::string_view view() const { return {text, N - 1}; }
};

/// The dense network: the truth that every other form is derived from. `embedding(token, position)`
/// gives the row a token starts from (the seed's: instructions.hpp, additive_embedding). `Program`
/// is the program the weights claim to run (model/program.hpp): what the proofs check them against.
template <class Prologue, class Body, class Epilogue, class L, class Program, class E = additive_embedding<L::width>>
struct network_weights {
    using program = Program;
    L layout;
    E embedding;
    Prologue prologue;
    Body body;
    Epilogue epilogue;
    matrix<L::width, vocab_size> unembed;
};

/// The seed's network on the seed's layout around a column table (the one layer in which the
/// programs of model/program.hpp differ): the layers listed at the top of this file. `find_operation`
/// names the first layer, which finds the operation token ("find_and_store('+' → left_pos)").
template <class Program, class Table>
constexpr auto column_network(Table const& table, std::string_view find_operation) {
    auto const& L = seed_layout;
    constexpr std::int64_t T = period_of<Program>();  // the positions' period: the seed's 100 unless the program says
    auto prologue =
        hana::make_tuple(find_and_store(L, token::operation, L[reg::left_pos], find_operation),
                         find_and_store(L, token::equals, L[reg::right_pos], "find_and_store('=' → right_pos)"),
                         find_and_store(L, token::equals, L[reg::out_pos], "find_and_store('=' → out_pos)"),
                         step_position(L, std::array{std::pair{L[reg::out_pos], std::int64_t{-1}}}, "step_position(out −1)", T));
    auto body = hana::make_tuple(
        clear(L, L[reg::left], L[reg::right], L[reg::out]),
        step_position(L,
                      std::array{std::pair{L[reg::left_pos], std::int64_t{-1}}, std::pair{L[reg::right_pos], std::int64_t{-1}},
                                 std::pair{L[reg::out_pos], std::int64_t{1}}},
                      "step_position(left −1, right −1, out +1)", T),
        read_relative(L, L[reg::left_pos], 0, L[reg::left], "read_relative(left_pos → left)", T),
        read_relative(L, L[reg::right_pos], 0, L[reg::right], "read_relative(right_pos → right)", T), table,
        diff_pos(L, L[reg::pos], L[reg::out_pos], L[reg::distance]), is_zero(L, L[reg::distance]),
        copy_on_match(L, L[reg::distance], L[reg::out], L[reg::final]));
    auto epilogue = hana::make_tuple(carry_out(L, L[reg::carry], L[reg::out], L[reg::out_pos], T),
                                     diff_pos(L, L[reg::pos], L[reg::out_pos], L[reg::distance]), is_zero(L, L[reg::distance]),
                                     copy_on_match(L, L[reg::distance], L[reg::out], L[reg::final]),
                                     end_token(L, token::newline, L[reg::out], L[reg::out_pos], T),
                                     diff_pos(L, L[reg::pos], L[reg::out_pos], L[reg::distance]), is_zero(L, L[reg::distance]),
                                     copy_on_match(L, L[reg::distance], L[reg::out], L[reg::final]));
    return network_weights<decltype(prologue), decltype(body), decltype(epilogue), seed_layout_t, Program>{
        L, seed_embedding(L, T), prologue, body, epilogue, ctformer::unembed(L, L[reg::final])};
}

/// The same network with another embedding (a type of its own: the twins' embeddings that depend on
/// token and position together are not two tables).
template <class P, class B, class Ep, class L, class Program, class E, class E2>
constexpr network_weights<P, B, Ep, L, Program, E2> with_embedding(network_weights<P, B, Ep, L, Program, E> const& w, E2 const& e) {
    return {w.layout, e, w.prologue, w.body, w.epilogue, w.unembed};
}

/// The dense weights a builder makes, evaluated once per translation unit.
template <class Build>
inline constexpr auto dense_of = Build{}();

namespace detail {
template <class Build, std::size_t I>
struct prologue_layer {
    static constexpr auto const& dense = hana::at_c<I>(dense_of<Build>.prologue);
};
template <class Build, std::size_t I>
struct body_layer {
    static constexpr auto const& dense = hana::at_c<I>(dense_of<Build>.body);
};
template <class Build, std::size_t I>
struct epilogue_layer {
    static constexpr auto const& dense = hana::at_c<I>(dense_of<Build>.epilogue);
};
}  // namespace detail

/// The compiled network: the same layers in sparse form (the embedding and unembedding as they are).
template <class Prologue, class Body, class Epilogue, class L, class E, class Program>
struct compiled_network {
    using program = Program;
    L layout;
    E embedding;
    Prologue prologue;
    Body body;
    Epilogue epilogue;
    matrix<L::width, vocab_size> unembed;
};

template <class Build>
constexpr auto compile_network() {
    constexpr auto const& d = dense_of<Build>;
    constexpr std::size_t np = decltype(hana::size(d.prologue))::value;
    constexpr std::size_t nb = decltype(hana::size(d.body))::value;
    constexpr std::size_t ne = decltype(hana::size(d.epilogue))::value;
    auto prologue = []<std::size_t... I>(std::index_sequence<I...>) {
        return hana::make_tuple(compiled_layer<detail::prologue_layer<Build, I>>...);
    }
    (std::make_index_sequence<np>{});
    auto body = []<std::size_t... I>(std::index_sequence<I...>) {
        return hana::make_tuple(compiled_layer<detail::body_layer<Build, I>>...);
    }
    (std::make_index_sequence<nb>{});
    auto epilogue = []<std::size_t... I>(std::index_sequence<I...>) {
        return hana::make_tuple(compiled_layer<detail::epilogue_layer<Build, I>>...);
    }
    (std::make_index_sequence<ne>{});
    using L = std::remove_cvref_t<decltype(d.layout)>;
    using E = std::remove_cvref_t<decltype(d.embedding)>;
    using P = typename std::remove_cvref_t<decltype(d)>::program;
    return compiled_network<decltype(prologue), decltype(body), decltype(epilogue), L, E, P>{d.layout, d.embedding, prologue, body,
                                                                                             epilogue, d.unembed};
}

template <class Build>
inline constexpr auto compiled_of = compile_network<Build>();

/// A builder whose compiled network is a run-time object: runtime_network<Base> starts as a copy of
/// compiled_of<Base>, and a program may change its weights (keeping which are nonzero), then run
/// the same generation, checker and proof code on it — the mutation campaign does
/// (tools/mutants, docs/proof.md). Its structure (the layers' types, sizes and the columns they read
/// and write) is Base's, so whatever is derived from structure alone stays a constant.
template <class Base>
struct runtime_build {
    using base = Base;
};
template <class Base>
inline auto runtime_network = compiled_of<Base>;
/// Bumped by whoever changes runtime_network<Base>: tables derived from its weights are rebuilt.
template <class Base>
inline std::uint64_t runtime_network_version = 0;

namespace detail {
template <class Build>
struct base_of {
    using type = Build;
};
template <class Base>
struct base_of<runtime_build<Base>> {
    using type = Base;
};
}  // namespace detail

/// The builder whose constant network gives Build's structure (Build itself, but for a runtime_build).
template <class Build>
using base_build_t = typename detail::base_of<Build>::type;
template <class Build>
inline constexpr bool is_runtime_build = !std::is_same_v<Build, base_build_t<Build>>;

/// The network a builder's users run: compiled_of<Build>, a constant, or a runtime_build's run-time copy.
template <class Build>
inline constexpr auto const& network_of = compiled_of<Build>;
template <class Base>
inline constexpr auto const& network_of<runtime_build<Base>> = runtime_network<Base>;
/// The network's structure, always a constant: layer types, sizes, columns read and written, layout.
template <class Build>
inline constexpr auto const& structure_of = compiled_of<base_build_t<Build>>;

/// The program a builder's weights claim to run (model/program.hpp).
template <class Build>
using program_of = typename std::remove_cvref_t<decltype(dense_of<base_build_t<Build>>)>::program;

/// The program a model runs: its builder's.
template <class Model>
using program_of_model = program_of<typename Model::build>;

/// A model's structure, a constant: Model::structure where the model names one (a model of a
/// runtime_build does), else its network. Tables and static_asserts about structure read this.
template <class Model>
constexpr auto const& model_structure() {
    if constexpr (requires { Model::structure; })
        return Model::structure;
    else
        return Model::net;
}

/// The number of layers in each part of a network.
template <class Net>
struct network_shape {
    static constexpr std::size_t prologue = decltype(hana::size(std::declval<Net const&>().prologue))::value;
    static constexpr std::size_t body = decltype(hana::size(std::declval<Net const&>().body))::value;
    static constexpr std::size_t epilogue = decltype(hana::size(std::declval<Net const&>().epilogue))::value;
    static constexpr std::size_t distinct = prologue + body + epilogue;  ///< layers with weights of their own
    /// Layers a row runs through for D-digit operands.
    static constexpr std::size_t steps(std::size_t digits) { return prologue + body * digits + epilogue; }
    /// Segments of the program: the prologue, D body passes, the epilogue.
    static constexpr std::size_t segments(std::size_t digits) { return digits + 2; }
};

/// The index of the layer called `name` in a tuple of layers; in a constant expression, a name
/// that no layer has stops the build here.
template <class Layers>
constexpr std::size_t layer_index(Layers const& layers, std::string_view name) {
    constexpr std::size_t none = decltype(hana::size(layers))::value;
    std::size_t found = none, k = 0;
    hana::for_each(layers, [&](auto const& layer) {
        if (found == none && layer.name == name) found = k;
        ++k;
    });
    if (found == none) throw std::invalid_argument("ctformer::layer_index: no layer has this name");
    return found;
}

/// The body layer called `name` in weights of the shape Build makes (for breaking it):
///   auto& table = ctformer::body_layer<"subtract_with_borrow", ctformer::subtraction_weights>(w);
template <fixed_string Name, class Build, class Weights>
constexpr auto& body_layer(Weights& w) {
    constexpr std::size_t k = layer_index(dense_of<Build>.body, Name.view());
    return hana::at_c<k>(w.body);
}

/// Calls f(layer) for every distinct layer of a network: the prologue, the body once, the epilogue.
template <class Net, class F>
constexpr void for_each_distinct_layer(Net const& net, F&& f) {
    hana::for_each(net.prologue, f);
    hana::for_each(net.body, f);
    hana::for_each(net.epilogue, f);
}

/// The program: what a row runs through, in segments — segment 0 the prologue, 1..D the body
/// passes, D + 1 the epilogue. f(layers, segment, first_slot, first_step): `layers` is the
/// segment's tuple, `first_slot` the compile-time index of its first layer among the distinct
/// layers (prologue, body, epilogue), `first_step` the index of its first layer in the program.
/// Every walk over the network (the forward driver, the reference, the proofs, the analysis, the
/// tools) goes through here.
template <class Net, class F>
constexpr void for_each_segment(Net const& net, std::size_t digits, F&& f) {
    using shape = network_shape<Net>;
    f(net.prologue, std::size_t{0}, hana::size_c<0>, std::size_t{0});
    for (std::size_t r = 0; r < digits; ++r) f(net.body, 1 + r, hana::size_c<shape::prologue>, shape::prologue + r * shape::body);
    f(net.epilogue, digits + 1, hana::size_c<shape::prologue + shape::body>, shape::prologue + digits * shape::body);
}

/// A layer's place in the program: its index among the layers a row runs through, and its segment.
struct program_step {
    std::size_t index = 0;
    std::size_t segment = 0;
};

/// Calls f(layer, step, slot) for every layer of the program in order; `slot` is the layer's
/// compile-time index among the distinct layers (a body layer has one slot for all its passes).
template <class Net, class F>
constexpr void for_each_step(Net const& net, std::size_t digits, F&& f) {
    for_each_segment(net, digits, [&](auto const& layers, std::size_t segment, auto first_slot, std::size_t first_step) {
        hana::for_each(hana::make_range(hana::size_c<0>, hana::size(layers)), [&](auto l) {
            f(layers[l], program_step{first_step + l, segment}, first_slot + l);
        });
    });
}

/// Calls f(layer) for every layer a row runs through, in order.
template <class Net, class F>
constexpr void for_each_layer(Net const& net, std::size_t digits, F&& f) {
    for_each_step(net, digits, [&](auto const& layer, program_step, auto) { f(layer); });
}

}  // namespace ctformer
