// tools/export.hpp — `ctformer export --json`: the network as data, for other interpretability
// tools: the vocabulary, the register layout, every layer's dense weights (the truth the compiled
// layers derive from), the program order for D digits, and the unembedding.
#pragma once

#include <cstddef>
#include <string>

#include <boost/hana.hpp>
#include <fmt/core.h>

#include <ctformer/ctformer.hpp>

#include "report.hpp"

namespace ctformer::tools {

namespace detail {
/// A value as JSON: the double nearest the Q31.32 number (exact: 32 fractional bits fit a double's
/// 53 for every weight here; %.17g round-trips it).
inline std::string number(fixed v) { return fmt::format("{:.17g}", v.to_double()); }

template <std::size_t R, std::size_t C>
std::string matrix_json(matrix<R, C> const& m) {
    std::string s = "[";
    for (std::size_t r = 0; r < R; ++r) {
        s += r ? ",\n        [" : "\n        [";
        for (std::size_t c = 0; c < C; ++c) s += (c ? ", " : "") + number(m(r, c));
        s += "]";
    }
    return s + "]";
}

template <std::size_t N>
std::string vector_json(row_vector<N> const& v) {
    std::string s = "[";
    for (std::size_t i = 0; i < N; ++i) s += (i ? ", " : "") + number(v[i]);
    return s + "]";
}

template <class Layer>
std::string layer_json(Layer const& l, std::string_view segment, std::size_t index) {
    std::string s = fmt::format("\n    {{\"index\": {}, \"segment\": \"{}\", \"name\": \"{}\", ", index, segment, json_escape(std::string(l.name)));
    if constexpr (Layer::is_attention) {
        s += "\"kind\": \"attention\",\n      \"score_scale\": " + number(l.score_scale);
        s += ",\n      \"wq\": " + matrix_json(l.wq) + ",\n      \"wk\": " + matrix_json(l.wk) + ",\n      \"wv\": " + matrix_json(l.wv);
    } else {
        s += fmt::format("\"kind\": \"mlp\", \"hidden\": {},", Layer::hidden);
        s += "\n      \"w1\": " + matrix_json(l.w1) + ",\n      \"b1\": " + vector_json(l.b1);
        s += ",\n      \"w2\": " + matrix_json(l.w2) + ",\n      \"b2\": " + vector_json(l.b2);
    }
    return s + "}";
}
}  // namespace detail

/// The network of Model as one JSON document.
template <class Model>
std::string export_json() {
    auto const& net = Model::dense;
    auto const regs = net.layout.entries();
    constexpr std::size_t width = std::remove_cvref_t<decltype(net.layout)>::width;
    std::string s = "{\n";
    s += fmt::format("  \"format\": \"ctformer network\",\n  \"vocabulary\": \"{}\",\n  \"d_model\": {},\n  \"digits\": {},\n", json_escape(std::string(vocabulary)),
                     width, Model::digits);
    s += fmt::format("  \"fixed_point\": {{\"format\": \"Q31.32\", \"note\": \"every value is an integer multiple of 2^-32, "
                     "given here as the nearest double (exact)\"}},\n");
    s += fmt::format("  \"position_encoding\": {{\"registers\": \"pos\", \"value\": \"[sin(2*pi*p/{0}), cos(2*pi*p/{0})]\", \"period\": {0}}},\n",
                     position_period);
    s += "  \"layer_semantics\": {\"attention\": \"x += softmax(causal((x Wq)(x Wk)^T * score_scale)) (x Wv)\", "
         "\"mlp\": \"x += GELU(x W1 + b1) W2 + b2, GELU(x) = x * Phi(x)\", \"unembed\": \"logits = x unembed, the next token is the argmax\"},\n";
    s += "  \"registers\": [";
    for (std::size_t i = 0; i < regs.size(); ++i)
        s += fmt::format("{}{{\"name\": \"{}\", \"offset\": {}, \"width\": {}}}", i ? ", " : "", regs[i].first, regs[i].second.offset, regs[i].second.width);
    s += "],\n  \"layers\": [";
    std::size_t index = 0;
    std::string order;
    auto add = [&](std::string_view segment) {
        return [&, segment](auto const& layer) {
            s += (index ? "," : "") + detail::layer_json(layer, segment, index);
            ++index;
        };
    };
    hana::for_each(net.prologue, add("prologue"));
    std::size_t const body_first = index;
    hana::for_each(net.body, add("body"));
    std::size_t const epilogue_first = index;
    hana::for_each(net.epilogue, add("epilogue"));
    // The order a row runs through them: the prologue, the body D times, the epilogue.
    for (std::size_t k = 0; k < body_first; ++k) order += (order.empty() ? "" : ", ") + std::to_string(k);
    for (std::size_t r = 0; r < Model::digits; ++r)
        for (std::size_t k = body_first; k < epilogue_first; ++k) order += ", " + std::to_string(k);
    for (std::size_t k = epilogue_first; k < index; ++k) order += ", " + std::to_string(k);
    s += "\n  ],\n  \"program\": [" + order + "],\n";
    s += "  \"unembed\": " + detail::matrix_json(net.unembed) + "\n}\n";
    return s;
}

}  // namespace ctformer::tools
