// tools/page/plot.hpp — `ctformer plot`: heatmaps of every weight matrix, of the residual stream after
// every layer and of every attention pattern, for one prompt. The numbers come from the library's
// reference path (reference_forward, every row through every dense layer, the yardstick the
// forward driver is tested against), run on the prompt and the answer the network generated. The templates here
// only gather those numbers (plot_input); the pictures are drawn from them in tools/plot.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <fmt/core.h>
#include <ctformer/detail/hana.hpp>

#include <ctformer/ctformer.hpp>

#include "common/weights_file.hpp"
#include "picture.hpp"
#include "registers.hpp"

namespace ctformer::tools {

/// One picture and where it goes (relative to the output directory).
struct figure {
    std::string path;
    picture::heatmap map;
};

/// One step of the program: the embedding (step 0) or a layer, with its pictures and the stream
/// decoded into words.
struct program_step {
    std::string name;  ///< the layer's name ("embedding" for step 0)
    layer_about about;  ///< what its instruction says of it (for step 0, the embedding's explanation)
    std::vector<std::string> writes;  ///< the registers the layer writes, in layout order
    std::string segment;  ///< prologue, body pass k, epilogue
    std::string kind;  ///< attention, mlp, embedding
    std::vector<std::string> weights;  ///< paths of this layer's weight pictures
    std::string stream, attention;  ///< paths of the stream and attention pictures
    std::vector<std::vector<std::string>> decoded;  ///< [row][register]: the registers in words
    std::vector<std::vector<bool>> changed;  ///< [row][register]: did this step change it
    std::vector<std::string> attends;  ///< [row]: the row attention chose ("" if none)
    /// An MLP step: each hidden unit's pre-activation in the first row generation reads (the '='),
    /// from the stream before the step, and what each unit means ("(9, 1, carry in)" for the add
    /// table, "unit 5" where it has no name).
    std::vector<double> hidden_pre;
    std::vector<std::string> hidden_labels;
    std::vector<std::int64_t> raw;  ///< the stream after the step, rows × W, raw Q31.32
    /// An attention step: rows × rows, each row's softmax weight on each row, and its scores before
    /// the softmax ((q·k) × the score scale, from the reference pass; 0 where the causal mask hides
    /// the row).
    std::vector<double> attention_weights, attention_scores;
};

struct plot_set {
    std::string text;  ///< the sequence's tokens (prompt and generated answer)
    std::size_t prompt_rows = 0;
    std::string program;  ///< the program's name ("add")
    std::string carry_name;  ///< what the program calls its carry ("carry", "borrow")
    std::string noun;  ///< what one of its prompts is called ("addition")
    std::vector<std::string> registers;  ///< "token" and the register names
    std::vector<named_slot> slots;  ///< their columns: the token block, then the registers
    std::size_t width = 0;  ///< W, the stream's width
    std::vector<figure> figures;
    std::vector<std::pair<std::string, std::string>> diagrams;  ///< (path, SVG text): dataflow.svg, timeline.svg
    std::vector<program_step> steps;
    std::string weights_file;  ///< as in plot_input: a network read from a file, not proven
};

/// One distinct layer's weights as numbers, row-major.
struct layer_weights {
    std::string name;
    layer_about about;
    bool attention = false;
    std::size_t head = 0;  ///< attention: the width of a query and a key
    std::size_t hidden = 0;  ///< mlp: hidden units
    double score_scale = 0;  ///< attention
    std::vector<double> wq, wk, wv;  ///< attention: W × head, W × head, W × W
    std::vector<double> w1, w2;  ///< mlp: (W + 1) × hidden, b1 last; (hidden + 1) × W, b2 last
};

/// The stream over the whole sequence after one step of the program.
struct stream_step {
    std::string name;  ///< the layer's ("embedding" for step 0)
    std::string segment;
    bool attention = false;
    std::size_t distinct = 0;  ///< its layer's index in plot_input::weights (steps > 0)
    std::vector<fixed> stream;  ///< rows × W
    std::vector<std::int64_t> pattern;  ///< attention: rows × rows softmax weights, raw Q31.32
    std::vector<std::int64_t> scores;  ///< attention: rows × rows scores before the softmax, raw Q31.32
};

/// Every number the pictures show.
struct plot_input {
    std::string vocabulary;  ///< the program's: each token id's character
    std::string program, carry_name, noun;  ///< as in plot_set
    std::size_t width = 0;  ///< W, the stream's width
    std::vector<named_slot> registers;
    std::vector<std::uint8_t> tokens;  ///< the prompt and the generated answer, as fed back
    std::size_t prompt_rows = 0;
    std::vector<layer_weights> weights;  ///< per distinct layer
    std::vector<double> unembed;  ///< W × vocab_size
    std::vector<stream_step> steps;  ///< the embedding, then every layer in program order
    std::string weights_file;  ///< where the network was read from (--weights), or empty: the built-in one
};

/// Every picture of `in` and each step decoded (tools/page/plot.cpp).
plot_set make_plots(plot_input const& in);

/// The step that first runs distinct layer `distinct` (1 = the first layer): what the pictures and
/// the diagrams number a layer by, as the page numbers its steps.
std::size_t first_step(plot_input const& in, std::size_t distinct);

namespace detail {

template <std::size_t R, std::size_t C>
void append_matrix(std::vector<double>& v, matrix<R, C> const& m) {
    for (std::size_t r = 0; r < R; ++r)
        for (std::size_t c = 0; c < C; ++c) v.push_back(m(r, c).to_double());
}

template <std::size_t N>
void append_row(std::vector<double>& v, row_vector<N> const& r) {
    for (std::size_t i = 0; i < N; ++i) v.push_back(r[i].to_double());
}

template <class Layer>
layer_weights weights_of(Layer const& layer) {
    layer_weights w{std::string(layer.name), layer.about, Layer::is_attention, 0, 0, 0, {}, {}, {}, {}, {}};
    if constexpr (Layer::is_attention) {
        w.head = decltype(layer.wq)::cols;
        w.score_scale = layer.score_scale.to_double();
        append_matrix(w.wq, layer.wq), append_matrix(w.wk, layer.wk), append_matrix(w.wv, layer.wv);
    } else {
        w.hidden = Layer::hidden;
        append_matrix(w.w1, layer.w1), append_row(w.w1, layer.b1);
        append_matrix(w.w2, layer.w2), append_row(w.w2, layer.b2);
    }
    return w;
}

/// The sequence: the prompt and every generated token the network was fed (the end token is
/// generated but never fed back).
template <class Model>
std::vector<std::uint8_t> sequence_of(std::size_t digits, std::span<std::uint8_t const> prompt) {
    using P = program_of_model<Model>;
    auto const g = [&] {
        if constexpr (weights_from_file<Model>)  // a network read from a file: the reference pass
            return generate_from_file<Model>(digits, prompt, prompt_shape<P>::answer_length(digits));
        else
            return generate<Model>(digits, prompt, prompt_shape<P>::answer_length(digits));
    }();
    std::vector<std::uint8_t> tokens(prompt.begin(), prompt.end());
    for (char c : g.answer())
        if (c != '\n') tokens.push_back(static_cast<std::uint8_t>(P::vocabulary.find(c)));
    return tokens;
}

/// Where the program's layer `index` comes from: its distinct layer and its segment's name.
template <class Model>
std::pair<std::size_t, std::string> place_of(std::size_t digits, std::size_t index) {
    std::size_t const P = boost::hana::length(Model::dense.prologue), B = boost::hana::length(Model::dense.body),
                      D = digits;
    if (index < P) return {index, "prologue"};
    if (index < P + B * D) return {P + (index - P) % B, fmt::format("body, pass {} of {}", (index - P) / B + 1, D)};
    return {index - B * (D - 1), "epilogue"};
}

/// The stream after the embedding and after every layer, on the reference path.
template <class Model>
std::vector<stream_step> run_program(std::size_t digits, std::vector<std::uint8_t> const& tokens) {
    auto const& net = Model::dense;
    constexpr std::size_t W = std::remove_cvref_t<decltype(net.layout)>::width;
    std::size_t const n = tokens.size();
    auto stream = [&](row_vector<W> const* rows) {
        std::vector<fixed> s;
        for (std::size_t i = 0; i < n; ++i) s.insert(s.end(), rows[i].data(), rows[i].data() + W);
        return s;
    };
    std::vector<row_vector<W>> embedded(n);
    for (std::size_t i = 0; i < n; ++i) embedded[i] = net.embedding(tokens[i], i);
    std::vector<stream_step> steps{{"embedding", "embedding", false, 0, stream(embedded.data()), {}, {}}};
    auto observe = [&](auto const& layer, row_vector<W> const* rows, std::size_t, std::int64_t const* pattern,
                       std::int64_t const* scores) {
        using L = std::remove_cvref_t<decltype(layer)>;
        stream_step step{std::string(layer.name), "", L::is_attention, 0, {}, {}, {}};
        std::tie(step.distinct, step.segment) = place_of<Model>(digits, steps.size() - 1);
        if (pattern) step.pattern.assign(pattern, pattern + n * n);
        if (scores) step.scores.assign(scores, scores + n * n);
        step.stream = stream(rows);
        steps.push_back(std::move(step));
    };
    reference_forward<Model>(digits, tokens.data(), n, nullptr, observe);
    return steps;
}

}  // namespace detail

/// The numbers behind every picture for a `digits`-digit prompt (token ids).
template <class Model>
plot_input plot_input_of(std::size_t digits, std::span<std::uint8_t const> prompt) {
    auto const& net = Model::dense;
    plot_input in;
    in.vocabulary = std::string(program_of_model<Model>::vocabulary);
    in.program = std::string(program_of_model<Model>::name);
    in.carry_name = std::string(program_of_model<Model>::carry_name);
    in.noun = std::string(program_of_model<Model>::noun);
    in.width = std::remove_cvref_t<decltype(net.layout)>::width;
    in.registers = registers_of(net.layout);
    if constexpr (weights_from_file<Model>) in.weights_file = Model::path;
    in.tokens = detail::sequence_of<Model>(digits, prompt);
    in.prompt_rows = prompt.size();
    for_each_distinct_layer(net, [&](auto const& layer) { in.weights.push_back(detail::weights_of(layer)); });
    detail::append_matrix(in.unembed, net.unembed);
    in.steps = detail::run_program<Model>(digits, in.tokens);
    return in;
}

/// Every picture for a `digits`-digit prompt: the network's weights, the stream after each layer,
/// the attention patterns; and each step decoded.
template <class Model>
plot_set make_plots(std::size_t digits, std::span<std::uint8_t const> prompt) {
    return make_plots(plot_input_of<Model>(digits, prompt));
}

/// make_plots for a prompt of `program` ("add", "sub", "mul") with `digits` digits (1 to 16), parsed
/// at run time (tools/page/plot.cpp); throws prompt_error for a malformed prompt,
/// std::invalid_argument for a bad digit count or program.
plot_set make_plots(std::string const& prompt, std::size_t digits, std::string_view program);

}  // namespace ctformer::tools
