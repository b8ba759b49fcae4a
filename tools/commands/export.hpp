// tools/commands/export.hpp — the document of `ctformer export --json`, for one program: instantiated
// once per program (tools/programs/run_*.cpp), called through program_ops::export_json. The vocabulary, the
// register layout, every layer's dense weights (the truth the compiled layers derive from), the
// program order for D digits, and the unembedding. A value is the double nearest its Q31.32
// number, which is that number exactly (32 fractional bits fit a double's 53 for every weight here).
#pragma once

#include <cstddef>
#include <string>
#include <type_traits>

#include <fmt/core.h>
#include <ctformer/detail/hana.hpp>

#include <ctformer/ctformer.hpp>

#include "common/json.hpp"
#include "page/registers.hpp"

namespace ctformer::tools {

template <std::size_t R, std::size_t C>
json matrix_json(matrix<R, C> const& m) {
    json rows = json::array();
    for (std::size_t r = 0; r < R; ++r) {
        json& row = rows.emplace_back(json::array());
        for (std::size_t c = 0; c < C; ++c) row.push_back(number(m(r, c).to_double()));
    }
    return rows;
}

template <std::size_t N>
json vector_json(row_vector<N> const& v);

/// An array of rows (a table of the embedding), a row per line.
template <std::size_t R, std::size_t N>
json matrix_rows_json(std::array<row_vector<N>, R> const& rows) {
    json out = json::array();
    for (auto const& r : rows) out.push_back(vector_json(r));
    return out;
}

template <std::size_t N>
json vector_json(row_vector<N> const& v) {
    json out = json::array();
    for (std::size_t i = 0; i < N; ++i) out.push_back(number(v[i].to_double()));
    return out;
}

template <class Layer>
json layer_json(Layer const& l, std::string_view segment, std::size_t index) {
    json j{{"index", index}, {"segment", segment}, {"name", std::string(l.name)}};
    if constexpr (Layer::is_attention) {
        j["kind"] = "attention", j["score_scale"] = number(l.score_scale.to_double());
        j["wq"] = matrix_json(l.wq), j["wk"] = matrix_json(l.wk), j["wv"] = matrix_json(l.wv);
    } else {
        j["kind"] = "mlp", j["hidden"] = Layer::hidden;
        j["w1"] = matrix_json(l.w1), j["b1"] = vector_json(l.b1), j["w2"] = matrix_json(l.w2), j["b2"] = vector_json(l.b2);
    }
    return j;
}

/// Every distinct layer, and the order a row runs through them: the prologue, the body D times,
/// the epilogue.
template <class Model>
std::pair<json, json> layers_and_program(std::size_t digits) {
    auto const& net = Model::dense;
    json layers = json::array(), program = json::array();
    auto add = [&](std::string_view segment) {
        return [&, segment](auto const& layer) { layers.push_back(layer_json(layer, segment, layers.size())); };
    };
    boost::hana::for_each(net.prologue, add("prologue"));
    std::size_t const body_first = layers.size();
    boost::hana::for_each(net.body, add("body"));
    std::size_t const epilogue_first = layers.size();
    boost::hana::for_each(net.epilogue, add("epilogue"));
    for (std::size_t k = 0; k < body_first; ++k) program.push_back(k);
    for (std::size_t r = 0; r < digits; ++r)
        for (std::size_t k = body_first; k < epilogue_first; ++k) program.push_back(k);
    for (std::size_t k = epilogue_first; k < layers.size(); ++k) program.push_back(k);
    return {std::move(layers), std::move(program)};
}

inline json registers_json(std::vector<named_slot> const& regs) {
    json out = json::array();
    for (auto const& r : regs) out.push_back({{"name", r.name}, {"offset", r.at.offset}, {"width", r.at.width}});
    return out;
}

/// The network of Model, with the program order for `digits` digits, as one JSON document.
template <class Model>
std::string export_json(std::size_t digits) {
    auto const& net = Model::dense;
    auto [layers, program] = layers_and_program<Model>(digits);
    json j{{"format", "ctformer network"},
           {"vocabulary", std::string(program_of_model<Model>::vocabulary)},
           {"d_model", std::remove_cvref_t<decltype(net.layout)>::width},
           {"digits", digits}};
    j["fixed_point"] = {{"format", "Q31.32"},
                        {"note", "every value is an integer multiple of 2^-32, given here as the nearest double (exact)"}};
    j["position_encoding"] = {{"registers", "pos"},
                              {"value", fmt::format("[sin(2*pi*p/{0}), cos(2*pi*p/{0})]", period_of<program_of_model<Model>>())},
                              {"period", period_of<program_of_model<Model>>()}};
    j["layer_semantics"] = {{"attention", "x += softmax(causal((x Wq)(x Wk)^T * score_scale)) (x Wv)"},
                            {"mlp", "x += GELU(x W1 + b1) W2 + b2, GELU(x) = x * Phi(x)"},
                            {"unembed", "logits = x unembed, the next token is the argmax"}};
    j["registers"] = registers_json(registers_of(net.layout));
    // the embedding as its two tables, e(t, p) = token[t] + position[p] (what --weights reads back)
    j["embedding"] = {{"token", matrix_rows_json(net.embedding.token)}, {"position", matrix_rows_json(net.embedding.position)}};
    j["layers"] = std::move(layers);
    j["program"] = std::move(program);
    j["unembed"] = matrix_json(net.unembed);
    return dump(j);  // a matrix row per line
}


}  // namespace ctformer::tools
