// tools/plot.hpp — `ctformer plot`: heatmaps of every weight matrix, of the residual stream after
// every layer and of every attention pattern, for one prompt. The numbers come from the library's
// plain path (dense_apply over the whole sequence, the yardstick the cached path is tested
// against), run on the prompt and the answer the network generated for it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/hana.hpp>
#include <fmt/core.h>

#include <ctformer/ctformer.hpp>

#include "picture.hpp"
#include "trace.hpp"

namespace ctformer::tools {

/// One picture and where it goes (relative to the output directory).
struct figure {
    std::string path;
    picture::heatmap map;
};

/// One step of the program: the embedding (step 0) or a layer, with its pictures and the stream
/// decoded into words.
struct program_step {
    std::string name;                       ///< the layer's name ("embedding" for step 0)
    std::string segment;                    ///< prologue, body pass k, epilogue
    std::string kind;                       ///< attention, mlp, embedding
    std::vector<std::string> weights;       ///< paths of this layer's weight pictures
    std::string stream, attention;          ///< paths of the stream and attention pictures
    std::vector<std::vector<std::string>> decoded;  ///< [row][register]: the registers in words
    std::vector<std::vector<bool>> changed;         ///< [row][register]: did this step change it
    std::vector<std::string> attends;               ///< [row]: the row attention chose ("" if none)
};

struct plot_set {
    std::string text;                       ///< the sequence's tokens (prompt and generated answer)
    std::size_t prompt_rows = 0;
    std::vector<std::string> registers;     ///< "token" and the register names
    std::vector<figure> figures;
    std::vector<program_step> steps;
};

namespace detail {

inline std::string token_label(char c) { return c == '\n' ? std::string("\\n") : c == ' ' ? std::string("sp") : std::string(1, c); }

/// A file-name fragment for a layer name: find_and_store('+' → left_pos) → find_and_store_plus_to_left_pos.
inline std::string slug(std::string_view name) {
    std::string const a = picture::ascii(name);
    std::string out;
    auto put = [&](std::string_view w) {
        if (!out.empty() && out.back() != '_') out += '_';
        out += w;
        out += '_';
    };
    for (std::size_t i = 0; i < a.size(); ++i) {
        char const c = a[i];
        if (c == '-' && i + 1 < a.size() && a[i + 1] == '>') {  // an arrow
            put("to");
            ++i;
        } else if (c == '<' && i + 1 < a.size() && a[i + 1] == '-') {
            put("gets");
            ++i;
        } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
        else if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
        else if (c == '+') put("plus");
        else if (c == '=') put("eq");
        else if (c == '-') put("minus");
        else if (!out.empty() && out.back() != '_') out += '_';
    }
    while (!out.empty() && out.back() == '_') out.pop_back();
    std::string collapsed;
    for (char c : out)
        if (!(c == '_' && !collapsed.empty() && collapsed.back() == '_')) collapsed += c;
    return collapsed;
}

/// The d_model axis: the token block and every register, with a label per column.
template <class Layout>
picture::axis model_axis(Layout const& layout, std::string title) {
    picture::axis a{std::move(title), {}, {}};
    a.ticks.assign(Layout::width, "");
    a.bands.push_back({0, vocab_size, "token"});
    for (std::size_t i = 0; i < vocab_size; ++i) a.ticks[i] = token_label(vocabulary[i]);
    for (auto const& [name, sl] : layout.entries()) {
        a.bands.push_back({sl.offset, sl.width, std::string(name)});
        for (std::size_t i = 0; i < sl.width; ++i)
            a.ticks[sl.offset + i] = sl.width == 2 ? (i == 0 ? "s" : "c") : sl.width == vocab_size ? token_label(vocabulary[i]) : "";
    }
    return a;
}

inline picture::axis index_axis(std::string title, std::size_t n, std::size_t every) {
    picture::axis a{std::move(title), {}, std::vector<std::string>(n)};
    for (std::size_t i = 0; i < n; i += every) a.ticks[i] = std::to_string(i);
    return a;
}

template <std::size_t R, std::size_t C>
std::vector<double> values_of(matrix<R, C> const& m) {
    std::vector<double> v(R * C);
    for (std::size_t r = 0; r < R; ++r)
        for (std::size_t c = 0; c < C; ++c) v[r * C + c] = m(r, c).to_double();
    return v;
}

template <std::size_t N>
void append_row(std::vector<double>& v, row_vector<N> const& r) {
    for (std::size_t i = 0; i < N; ++i) v.push_back(r[i].to_double());
}

inline picture::heatmap weight_map(std::string title, std::size_t rows, std::size_t cols, std::vector<double> values, picture::axis ra, picture::axis ca) {
    picture::heatmap h;
    h.title = std::move(title);
    h.rows = rows, h.cols = cols;
    h.colours = picture::scale::covering(values);
    h.values = std::move(values);
    h.row_axis = std::move(ra), h.col_axis = std::move(ca);
    return h;
}

}  // namespace detail

/// Every picture for `prompt`: the network's weights, the stream after each layer, the attention
/// patterns; and each step decoded.
template <class Model>
plot_set make_plots(prompt_tokens<Model::digits> const& prompt) {
    namespace hana = boost::hana;
    auto const& net = Model::dense;
    using Layout = std::remove_cvref_t<decltype(net.layout)>;
    constexpr std::size_t W = Layout::width;
    auto const regs = net.layout.entries();
    plot_set out;
    out.registers.push_back("token");
    for (auto const& r : regs) out.registers.emplace_back(r.first);

    // The sequence: the prompt and every generated token the network was fed (the end token is
    // generated but never fed back).
    auto const g = generate<Model>(prompt, Model::answer_length);
    std::vector<std::uint8_t> tokens(prompt.ids.begin(), prompt.ids.end());
    for (char c : g.answer())
        if (c != '\n') tokens.push_back(static_cast<std::uint8_t>(vocabulary.find(c)));
    std::size_t const n = tokens.size();
    out.prompt_rows = prompt.ids.size();
    for (auto t : tokens) out.text += vocabulary[t];
    out.text += '\n';

    // Weights, one set per distinct layer.
    std::vector<std::vector<std::string>> weight_paths;
    std::size_t distinct = 0;
    auto const d_in = detail::model_axis(net.layout, "input column");
    auto const d_out = detail::model_axis(net.layout, "output column (the update it adds)");
    for_each_distinct_layer(net, [&](auto const& layer) {
        using L = std::remove_cvref_t<decltype(layer)>;
        std::string const base = fmt::format("weights/{:02}_{}", distinct++, detail::slug(layer.name));
        std::string const name = picture::ascii(layer.name);
        std::vector<std::string> paths;
        auto add = [&](std::string suffix, picture::heatmap h) {
            paths.push_back(base + "_" + suffix + ".png");
            out.figures.push_back({paths.back(), std::move(h)});
        };
        if constexpr (L::is_attention) {
            constexpr std::size_t Dh = decltype(layer.wq)::cols;
            // The seed's heads are as wide as the stream, and its constructions use head dimension c
            // for what stream column c holds: label them so.
            auto const head = Dh == W ? detail::model_axis(net.layout, "head dimension (named as the stream column of that number)")
                                      : detail::index_axis("head dimension", Dh, Dh > 20 ? 10 : 1);
            add("wq", detail::weight_map(name + ": Wq (query = x Wq)", W, Dh, detail::values_of(layer.wq), d_in, head));
            add("wk", detail::weight_map(name + ": Wk (key = x Wk)", W, Dh, detail::values_of(layer.wk), d_in, head));
            add("wv", detail::weight_map(name + ": Wv (value = x Wv, added where attention looks)", W, W, detail::values_of(layer.wv), d_in, d_out));
            out.figures.back().map.note = fmt::format("score = (q . k) x {:.6g}, then a causal softmax", layer.score_scale.to_double());
        } else {
            constexpr std::size_t H = L::hidden;
            std::size_t const every = H > 40 ? 10 : H > 10 ? 5 : 1;
            auto v1 = detail::values_of(layer.w1);
            detail::append_row(v1, layer.b1);
            auto in = d_in;
            in.bands.push_back({W, 1, "bias"});
            in.ticks.push_back("b");
            add("w1", detail::weight_map(name + ": W1 and b1 (hidden = GELU(x W1 + b1))", W + 1, H, std::move(v1), in, detail::index_axis("hidden unit", H, every)));
            auto v2 = detail::values_of(layer.w2);
            detail::append_row(v2, layer.b2);
            auto hidden = detail::index_axis("hidden unit", H, every);
            hidden.ticks.push_back("b");
            hidden.bands.push_back({H, 1, "bias"});
            add("w2", detail::weight_map(name + ": W2 and b2 (update = hidden W2 + b2)", H + 1, W, std::move(v2), hidden, d_out));
        }
        weight_paths.push_back(std::move(paths));
    });
    {
        picture::axis vocab{"next token", {}, {}};
        for (char c : vocabulary) vocab.ticks.push_back(detail::token_label(c));
        out.figures.push_back({"weights/unembed.png", detail::weight_map("unembedding: logits = x U, the next token is the argmax", W, vocab_size,
                                                                          detail::values_of(net.unembed), d_in, vocab)});
    }

    // The stream: the whole sequence through every layer on the plain path.
    std::vector<row_vector<W>> rows(max_rows);
    for (std::size_t i = 0; i < n; ++i) rows[i] = embed(net.layout, tokens[i], i);
    std::vector<std::vector<row_vector<W>>> after{std::vector<row_vector<W>>(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(n))};
    std::vector<std::vector<std::int64_t>> patterns{{}};
    std::vector<std::pair<std::string, bool>> names{{"embedding", false}};
    std::vector<std::size_t> distinct_of{0};
    std::vector<std::string> segments{"embedding"};
    std::size_t const P = hana::length(net.prologue), B = hana::length(net.body);
    std::size_t index = 0;
    for_each_layer(net, Model::digits, [&](auto const& layer) {
        using L = std::remove_cvref_t<decltype(layer)>;
        std::vector<std::int64_t> pattern;
        if constexpr (L::is_attention) {
            pattern.assign(n * n, 0);
            dense_apply(layer, rows.data(), n, nullptr, pattern.data());
        } else {
            dense_apply(layer, rows.data(), n);
        }
        after.emplace_back(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(n));
        patterns.push_back(std::move(pattern));
        names.emplace_back(std::string(layer.name), L::is_attention);
        std::size_t const d = index < P ? index : index < P + B * Model::digits ? P + (index - P) % B : index - B * (Model::digits - 1);
        distinct_of.push_back(d);
        segments.push_back(index < P ? std::string("prologue")
                           : index < P + B * Model::digits ? fmt::format("body, pass {} of {}", (index - P) / B + 1, Model::digits)
                                                           : std::string("epilogue"));
        ++index;
    });

    picture::axis seq{"row (position: token)", {}, {}};
    for (std::size_t i = 0; i < n; ++i) seq.ticks.push_back(fmt::format("{}: {}", i, detail::token_label(vocabulary[tokens[i]])));
    picture::axis keys = seq;
    keys.title = "attended row";
    std::vector<double> all;
    for (auto const& a : after)
        for (auto const& r : a)
            for (std::size_t c = 0; c < W; ++c) all.push_back(r[c].to_double());
    auto const stream_scale = picture::scale::covering(all);

    for (std::size_t s = 0; s < after.size(); ++s) {
        program_step step;
        step.name = names[s].first;
        step.segment = segments[s];
        step.kind = s == 0 ? "embedding" : names[s].second ? "attention" : "mlp";
        if (s > 0) step.weights = weight_paths[distinct_of[s]];
        std::string const tag = fmt::format("{:02}_{}", s, detail::slug(step.name));
        picture::heatmap h;
        h.title = fmt::format("step {}: the residual stream after {}", s, picture::ascii(step.name));
        h.rows = n, h.cols = W;
        for (auto const& r : after[s])
            for (std::size_t c = 0; c < W; ++c) h.values.push_back(r[c].to_double());
        h.marked.assign(n * W, false);
        if (s > 0)
            for (std::size_t i = 0; i < n; ++i)
                for (std::size_t c = 0; c < W; ++c) h.marked[i * W + c] = after[s][i][c] != after[s - 1][i][c];
        h.row_axis = seq;
        h.col_axis = detail::model_axis(net.layout, "column of the residual stream");
        h.colours = stream_scale;
        h.note = s == 0 ? "the embedding: a one-hot token and sin/cos of the position" : "outlined: entries this layer changed";
        h.max_height = 700;
        step.stream = "stream/" + tag + ".png";
        out.figures.push_back({step.stream, std::move(h)});

        if (!patterns[s].empty()) {
            picture::heatmap a;
            a.title = fmt::format("step {}: attention of {}", s, picture::ascii(step.name));
            a.rows = a.cols = n;
            a.mask.assign(n * n, false);
            for (std::size_t i = 0; i < n; ++i)
                for (std::size_t j = 0; j < n; ++j) {
                    a.values.push_back(fixed::from_raw(patterns[s][i * n + j]).to_double());
                    a.mask[i * n + j] = j > i;
                }
            a.row_axis = seq;
            a.col_axis = keys;
            a.colours = picture::scale{picture::scale::unit, 1, 0};
            a.note = "grey: rows a row cannot see (causal mask)";
            a.max_width = a.max_height = 700;
            step.attention = "attention/" + tag + ".png";
            out.figures.push_back({step.attention, std::move(a)});
        }

        for (std::size_t i = 0; i < n; ++i) {
            auto const& r = after[s][i];
            std::vector<std::string> words;
            std::vector<bool> changed;
            words.push_back(detail::token_label(vocabulary[tokens[i]]));
            changed.push_back(false);
            for (auto const& [name, sl] : regs) {
                words.push_back(decode(name, sl, r.data()));
                bool ch = false;
                for (std::size_t c = sl.offset; s > 0 && c < sl.offset + sl.width; ++c) ch = ch || r[c] != after[s - 1][i][c];
                changed.push_back(ch);
            }
            step.decoded.push_back(std::move(words));
            step.changed.push_back(std::move(changed));
            std::string at;
            if (!patterns[s].empty()) {
                std::size_t best = 0;
                for (std::size_t j = 1; j <= i; ++j)
                    if (patterns[s][i * n + j] > patterns[s][i * n + best]) best = j;
                double const w = fixed::from_raw(patterns[s][i * n + best]).to_double();
                at = w == 1 ? fmt::format("row {}", best) : fmt::format("row {} ({:.3f})", best, w);
            }
            step.attends.push_back(at);
        }
        out.steps.push_back(std::move(step));
    }
    return out;
}

}  // namespace ctformer::tools
