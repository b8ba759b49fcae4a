// tools/page/plot.cpp — the pictures of `ctformer plot` drawn from the numbers tools/page/plot.hpp gathers:
// file names, axes, the weight, stream and attention heatmaps, and each step decoded.
#include "plot.hpp"

#include "dataflow.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <utility>

#include "common/digits.hpp"

namespace ctformer::tools {

namespace {

std::string token_label(char c) { return c == '\n' ? std::string("\\n") : c == ' ' ? std::string("sp") : std::string(1, c); }

/// A file-name fragment for a layer name: find_and_store('+' → left_pos) → find_and_store_plus_to_left_pos.
std::string slug(std::string_view name) {
    std::string const a = picture::ascii(name);
    std::string out;
    auto put = [&](std::string_view w) {
        if (!out.empty() && out.back() != '_') out += '_';
        out += w;
        out += '_';
    };
    for (std::size_t i = 0; i < a.size(); ++i) {
        char const c = a[i];
        if (c == '-' && i + 1 < a.size() && a[i + 1] == '>')
            put("to"), ++i;  // an arrow
        else if (c == '<' && i + 1 < a.size() && a[i + 1] == '-')
            put("gets"), ++i;
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            out += c;
        else if (c >= 'A' && c <= 'Z')
            out += static_cast<char>(c - 'A' + 'a');
        else if (c == '+')
            put("plus");
        else if (c == '=')
            put("eq");
        else if (c == '-')
            put("minus");
        else if (!out.empty() && out.back() != '_')
            out += '_';
    }
    std::string collapsed;
    for (char c : out)
        if (!(c == '_' && !collapsed.empty() && collapsed.back() == '_')) collapsed += c;
    while (!collapsed.empty() && collapsed.back() == '_') collapsed.pop_back();
    return collapsed;
}

/// The d_model axis: the token block and every register, with a label per column.
picture::axis model_axis(plot_input const& in, std::string title) {
    picture::axis a{std::move(title), {}, std::vector<std::string>(in.width)};
    a.bands.push_back({0, vocab_size, "token"});
    for (std::size_t i = 0; i < vocab_size; ++i) a.ticks[i] = token_label(in.vocabulary[i]);
    for (auto const& [name, sl] : in.registers) {
        a.bands.push_back({sl.offset, sl.width, name});
        for (std::size_t i = 0; i < sl.width; ++i)
            a.ticks[sl.offset + i] = sl.width == 2            ? (i == 0 ? "s" : "c")
                                     : sl.width == vocab_size ? token_label(in.vocabulary[i])
                                                              : "";
    }
    return a;
}

picture::axis index_axis(std::string title, std::size_t n, std::size_t every) {
    picture::axis a{std::move(title), {}, std::vector<std::string>(n)};
    for (std::size_t i = 0; i < n; i += every) a.ticks[i] = std::to_string(i);
    return a;
}

picture::heatmap weight_map(std::string title, std::size_t rows, std::size_t cols, std::vector<double> values, picture::axis ra,
                            picture::axis ca) {
    picture::heatmap h;
    h.title = std::move(title);
    h.rows = rows, h.cols = cols;
    h.colours = picture::scale::covering(values);
    h.values = std::move(values);
    h.row_axis = std::move(ra), h.col_axis = std::move(ca);
    // the constants themselves, where there are few: a colour cannot tell 500 from 333
    std::set<double> distinct;
    for (double v : h.values)
        if (v != 0) distinct.insert(std::stod(fmt::format("{:.6g}", v)));
    if (!distinct.empty() && distinct.size() <= 12) {
        std::string list;
        for (double v : distinct) list += (list.empty() ? "" : ", ") + fmt::format("{:g}", v);
        h.note = fmt::format("the nonzero values: {}", list);
    } else if (!distinct.empty()) {
        h.note = fmt::format("{} distinct nonzero values, from {:g} to {:g}", distinct.size(), *distinct.begin(), *distinct.rbegin());
    }
    return h;
}

/// A weight picture on a linear scale, beside the log one: `_linear` before the extension.
figure linear_view(figure const& f) {
    figure g = f;
    g.path.insert(g.path.size() - 4, "_linear");
    g.map.title += " - linear scale";
    g.map.colours.kind = picture::scale::signed_linear;
    return g;
}

/// What hidden unit u of an MLP means, as its instruction says (layer_about::units): for a column
/// table the digit pair and the carry it fires for, for the copy the token it copies.
std::string unit_label(layer_about const& about, std::size_t u, std::string_view vocabulary, std::string_view carry_name) {
    using units = layer_about::units;
    if (about.hidden == units::column_pairs && u < 200)
        return u % 2 == 0 ? fmt::format("({}, {}, no {})", u / 20, u / 2 % 10, carry_name)
                          : fmt::format("({}, {}, {} in)", u / 20, u / 2 % 10, carry_name);
    if (about.hidden == units::column_carries && about.carries > 0 && u < 100 * about.carries)
        return fmt::format("({}, {}, {} {})", u / about.carries / 10, u / about.carries % 10, carry_name, u % about.carries);
    if (about.hidden == units::tokens && u < vocab_size) return fmt::format("copy of {}", token_label(vocabulary[u]));
    return fmt::format("unit {}", u);
}

/// The hidden units of an MLP, each labelled by what it means (unit_label), then the bias row.
picture::axis hidden_axis(plot_input const& in, layer_weights const& w) {
    picture::axis a{"hidden unit", {}, {}};
    for (std::size_t u = 0; u < w.hidden; ++u) a.ticks.push_back(unit_label(w.about, u, in.vocabulary, in.carry_name));
    return a;
}

/// The pictures of one distinct layer's weights, named `base`_wq.png and so on.
std::vector<figure> layer_figures(plot_input const& in, layer_weights const& w, std::string const& base) {
    std::size_t const W = in.width;
    std::string const name = picture::ascii(w.name);
    auto const d_in = model_axis(in, "input column");
    auto const d_out = model_axis(in, "output column (the update it adds)");
    std::vector<figure> out;
    if (w.attention) {
        // The seed's heads are as wide as the stream, and its constructions use head dimension c
        // for what stream column c holds: label them so.
        auto const head = w.head == W ? model_axis(in, "head dimension (named as the stream column of that number)")
                                      : index_axis("head dimension", w.head, w.head > 20 ? 10 : 1);
        out.push_back({base + "_wq.png", weight_map(name + ": Wq (query = x Wq)", W, w.head, w.wq, d_in, head)});
        out.push_back({base + "_wk.png", weight_map(name + ": Wk (key = x Wk)", W, w.head, w.wk, d_in, head)});
        out.push_back(
            {base + "_wv.png", weight_map(name + ": Wv (value = x Wv, added where attention looks)", W, W, w.wv, d_in, d_out)});
        out.back().map.note += fmt::format("; score = (q . k) x {:.6g}, then a causal softmax", w.score_scale);
        return out;
    }
    // Both pictures have a row per hidden unit, labelled by meaning: W1 is drawn transposed.
    std::size_t const H = w.hidden;
    auto with_bias = d_in;
    with_bias.bands.push_back({W, 1, "bias"});
    with_bias.ticks.push_back("b");
    std::vector<double> w1t((W + 1) * H);
    for (std::size_t c = 0; c <= W; ++c)
        for (std::size_t u = 0; u < H; ++u) w1t[u * (W + 1) + c] = w.w1[c * H + u];
    out.push_back({base + "_w1.png", weight_map(name + ": W1 and b1, a row per hidden unit (hidden = GELU(x W1 + b1))", H, W + 1,
                                                std::move(w1t), hidden_axis(in, w), with_bias)});
    auto hidden = hidden_axis(in, w);
    hidden.ticks.push_back("b2");
    hidden.bands.push_back({H, 1, "bias"});
    out.push_back({base + "_w2.png", weight_map(name + ": W2 and b2 (update = hidden W2 + b2)", H + 1, W, w.w2, hidden, d_out)});
    return out;
}

/// Every weight picture into `out` — each on the signed log scale and, beside it, on a linear one —
/// named by the step that first runs the layer (weights/09_add_with_carry_w1.png belongs with
/// stream/09_add_with_carry.png: one numbering for steps and pictures); returns each distinct
/// layer's paths.
std::vector<std::vector<std::string>> weight_figures(plot_input const& in, plot_set& out) {
    std::vector<std::vector<std::string>> paths;
    for (std::size_t d = 0; d < in.weights.size(); ++d) {
        paths.emplace_back();
        for (auto& f : layer_figures(in, in.weights[d], fmt::format("weights/{:02}_{}", first_step(in, d), slug(in.weights[d].name)))) {
            figure linear = linear_view(f);
            paths.back().push_back(f.path);
            paths.back().push_back(linear.path);
            out.figures.push_back(std::move(f));
            out.figures.push_back(std::move(linear));
        }
    }
    picture::axis vocab{"next token", {}, {}};
    for (char c : in.vocabulary) vocab.ticks.push_back(token_label(c));
    out.figures.push_back(
        {"weights/unembed.png", weight_map("unembedding: logits = x U, the next token is the argmax", in.width, vocab_size,
                                           in.unembed, model_axis(in, "input column"), std::move(vocab))});
    return paths;
}

/// The rows of the sequence, "position: token".
picture::axis sequence_axis(plot_input const& in, std::string title) {
    picture::axis seq{std::move(title), {}, {}};
    for (std::size_t i = 0; i < in.tokens.size(); ++i)
        seq.ticks.push_back(fmt::format("{}: {}", i, token_label(in.vocabulary[in.tokens[i]])));
    return seq;
}

/// The stream after step s, its changes outlined, each register on a colour scale of its own,
/// the same for all steps.
picture::heatmap stream_map(plot_input const& in, std::size_t s, std::vector<picture::scale> const& colours) {
    auto const& now = in.steps[s].stream;
    picture::heatmap h;
    h.title = fmt::format("step {}: the residual stream after {}", s, picture::ascii(in.steps[s].name));
    h.rows = in.tokens.size(), h.cols = in.width;
    for (fixed v : now) h.values.push_back(v.to_double());
    h.marked.assign(now.size(), false);
    for (std::size_t i = 0; s > 0 && i < now.size(); ++i) h.marked[i] = now[i] != in.steps[s - 1].stream[i];
    h.row_axis = sequence_axis(in, "row (position: token)");
    h.col_axis = model_axis(in, "column of the residual stream");
    h.band_scales = colours;
    h.note = s == 0 ? "the embedding: a one-hot token and sin/cos of the position" : "outlined: entries this layer changed";
    h.note += "; greyed: the rows before '=', whose results nothing reads (attention reads only other rows' token and position)";
    for (std::size_t i = 0; i < in.tokens.size(); ++i) h.faded_rows.push_back(i + 1 < in.prompt_rows);
    h.max_height = 700;
    return h;
}

/// Step s's attention pattern, the causal mask grey.
picture::heatmap attention_map(plot_input const& in, std::size_t s) {
    std::size_t const n = in.tokens.size();
    picture::heatmap a;
    a.title = fmt::format("step {}: attention of {}", s, picture::ascii(in.steps[s].name));
    a.rows = a.cols = n;
    a.mask.assign(n * n, false);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            a.values.push_back(fixed::from_raw(in.steps[s].pattern[i * n + j]).to_double());
            a.mask[i * n + j] = j > i;
        }
    a.row_axis = sequence_axis(in, "row (position: token)");
    a.col_axis = sequence_axis(in, "attended row");
    a.colours = picture::scale{picture::scale::unit, 1, 0};
    a.note = "grey: rows a row cannot see (causal mask)";
    a.max_width = a.max_height = 700;
    return a;
}

/// Where row i's attention went at step s, as its weights: "row 4" (weight exactly 1 there, 0
/// elsewhere), "evenly over rows 0–4 (0.200 each)" (the same weight on a run of rows, 0 elsewhere),
/// else every row with a weight above 0: "row 3 (0.700), row 4 (0.300)".
std::string attended(plot_input const& in, std::size_t s, std::size_t i) {
    auto const& p = in.steps[s].pattern;
    if (p.empty()) return "";
    std::size_t const n = in.tokens.size();
    std::vector<std::size_t> rows;
    for (std::size_t j = 0; j <= i; ++j)
        if (p[i * n + j] > 0) rows.push_back(j);
    if (rows.empty()) return "no row";
    auto const weight = [&](std::size_t j) { return fixed::from_raw(p[i * n + j]).to_double(); };
    if (rows.size() == 1 && p[i * n + rows[0]] == fixed::one_raw) return fmt::format("row {}", rows[0]);
    bool even = rows.back() - rows.front() + 1 == rows.size();
    for (std::size_t j : rows) even = even && p[i * n + j] == p[i * n + rows[0]];
    if (even) return fmt::format("evenly over rows {}–{} ({:.3f} each)", rows.front(), rows.back(), weight(rows[0]));
    std::string out;
    for (std::size_t j : rows) out += fmt::format("{}row {} ({:.3f})", out.empty() ? "" : ", ", j, weight(j));
    return out;
}

/// Every row's registers after step s in words, what the step changed, where attention looked.
void decode_rows(plot_input const& in, std::size_t s, program_step& step) {
    for (std::size_t i = 0; i < in.tokens.size(); ++i) {
        fixed const* row = in.steps[s].stream.data() + i * in.width;
        fixed const* before = s > 0 ? in.steps[s - 1].stream.data() + i * in.width : row;
        std::vector<std::string> words{token_label(in.vocabulary[in.tokens[i]])};
        std::vector<bool> changed{false};
        for (auto const& [name, sl] : in.registers) {
            words.push_back(decode(sl, row, in.vocabulary));
            changed.push_back(!std::equal(row + sl.offset, row + sl.offset + sl.width, before + sl.offset));
        }
        step.decoded.push_back(std::move(words));
        step.changed.push_back(std::move(changed));
        step.attends.push_back(attended(in, s, i));
    }
}

/// The registers a layer writes (a column of Wv, or of W2 or b2, not all zero), in layout order.
std::vector<std::string> written_registers(plot_input const& in, layer_weights const& w) {
    std::size_t const W = in.width;
    std::vector<double> const& m = w.attention ? w.wv : w.w2;
    std::size_t const rows = m.size() / W;
    std::vector<std::string> out;
    for (auto const& r : in.registers) {
        bool written = false;
        for (std::size_t c = r.at.offset; c < r.at.offset + r.at.width && !written; ++c)
            for (std::size_t i = 0; i < rows && !written; ++i) written = m[i * W + c] != 0;
        if (written) out.push_back(r.name);
    }
    return out;
}

/// The pre-activations of step s's hidden units in the '=' row, from the stream before the step.
void hidden_units(plot_input const& in, std::size_t s, program_step& step) {
    auto const& st = in.steps[s];
    if (s == 0 || st.attention) return;
    layer_weights const& w = in.weights[st.distinct];
    std::size_t const W = in.width, H = w.hidden, r = in.prompt_rows - 1;
    fixed const* const x = in.steps[s - 1].stream.data() + r * W;
    for (std::size_t u = 0; u < H; ++u) {
        double pre = w.w1[W * H + u];  // b1, the last row
        for (std::size_t c = 0; c < W; ++c) pre += x[c].to_double() * w.w1[c * H + u];
        step.hidden_pre.push_back(pre);
        step.hidden_labels.push_back(unit_label(w.about, u, in.vocabulary, in.carry_name));
    }
}

/// Step s's attention weights and scores (an attention step), as the reference pass computed them.
void attention_scores(plot_input const& in, std::size_t s, program_step& step) {
    for (std::int64_t p : in.steps[s].pattern) step.attention_weights.push_back(fixed::from_raw(p).to_double());
    for (std::int64_t v : in.steps[s].scores) step.attention_scores.push_back(fixed::from_raw(v).to_double());
}

/// A linear scale per column band of model_axis (the token block, then each register), each
/// covering that band's values over every step.
std::vector<picture::scale> stream_scales(plot_input const& in) {
    std::vector<picture::scale> out;
    for (auto const& b : model_axis(in, "").bands) {
        double m = 0;
        for (auto const& step : in.steps)
            for (std::size_t r = 0; r < in.tokens.size(); ++r)
                for (std::size_t c = b.start; c < b.start + b.count; ++c)
                    m = std::max(m, std::fabs(step.stream[r * in.width + c].to_double()));
        out.push_back(picture::scale{picture::scale::signed_linear, m > 0 ? m : 1, 0});
    }
    return out;
}

}  // namespace

plot_set make_plots(plot_input const& in) {
    plot_set out;
    out.registers.push_back("token");
    for (auto const& r : in.registers) out.registers.push_back(r.name);
    out.slots.push_back({"token", slot{0, vocab_size}});
    out.slots.insert(out.slots.end(), in.registers.begin(), in.registers.end());
    out.width = in.width;
    for (auto t : in.tokens) out.text += in.vocabulary[t];
    out.text += '\n';
    out.prompt_rows = in.prompt_rows;
    out.weights_file = in.weights_file;
    out.program = in.program, out.carry_name = in.carry_name, out.noun = in.noun;
    auto const weight_paths = weight_figures(in, out);
    out.diagrams = {{"dataflow.svg", dataflow_svg(in)}, {"timeline.svg", timeline_svg(in)}};
    auto const colours = stream_scales(in);
    for (std::size_t s = 0; s < in.steps.size(); ++s) {
        auto const& st = in.steps[s];
        program_step step{};
        step.name = st.name, step.segment = st.segment, step.kind = s == 0 ? "embedding" : st.attention ? "attention" : "mlp";
        if (s == 0) step.about.explanation = embedding_explanation;
        if (s > 0) {
            step.about = in.weights[st.distinct].about;
            step.writes = written_registers(in, in.weights[st.distinct]);
            step.weights = weight_paths[st.distinct];
        }
        std::string const tag = fmt::format("{:02}_{}", s, slug(st.name));
        step.stream = "stream/" + tag + ".png";
        out.figures.push_back({step.stream, stream_map(in, s, colours)});
        if (!st.pattern.empty()) {
            step.attention = "attention/" + tag + ".png";
            out.figures.push_back({step.attention, attention_map(in, s)});
        }
        decode_rows(in, s, step);
        hidden_units(in, s, step);
        attention_scores(in, s, step);
        for (fixed v : st.stream) step.raw.push_back(v.raw);
        out.steps.push_back(std::move(step));
    }
    return out;
}

std::size_t first_step(plot_input const& in, std::size_t distinct) {
    std::size_t s = 1;
    while (s < in.steps.size() && in.steps[s].distinct != distinct) ++s;
    return s;
}

plot_set make_plots(std::string const& prompt, std::size_t digits, std::string_view program) {
    return program_for(program, digits).plots(prompt);
}

}  // namespace ctformer::tools
